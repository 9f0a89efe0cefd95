import EditorCore
import Foundation
import ImageEditModel
import SessionModel
import SessionStore

/// Variant sets in `retouch history`: a run's place in its set, and the sets in JSON.
extension History {
    /// The sets with at least one of `runs`, whole, newest first.
    static func sets(of runs: [PastRun], in store: SessionStore) throws(SessionStoreError) -> [PastSet] {
        var seen: Set<Int64> = []
        var sets: [PastSet] = []
        for run in runs {
            guard let id = run.variant?.set, seen.insert(id).inserted else { continue }
            sets.append(try store.set(id))
        }
        return sets.sorted { ($0.started, $0.id) > ($1.started, $1.id) }
    }

    /// `[set 3 v2] ` before the prompt of a run sent in a set, `[set 3 v2 ★] ` for its winner.
    static func place(of run: PastRun) -> String {
        guard let variant = run.variant else { return "" }
        return "[set \(variant.set) v\(variant.number)\(variant.isWinner ? " ★" : "")] "
    }
}

extension HistoryJSON {
    /// A value, or `null` when there is none (where leaving the key out would hide the field).
    struct OrNull<Value: Encodable>: Encodable {
        var value: Value?

        init(_ value: Value?) {
            self.value = value
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if let value { try container.encode(value) } else { try container.encodeNil() }
        }
    }

    /// A run's place in its set.
    struct Variant: Encodable {
        var set: Int64
        var number: Int
        var label: String
        var winner: Bool

        init(_ tag: VariantTag) {
            set = tag.set
            number = tag.number
            label = tag.label
            winner = tag.isWinner
        }
    }

    struct VariantSet: Encodable {
        var id: Int64
        var session: String
        var started: String
        var sweptField: OrNull<String>
        var winner: OrNull<Int64>
        /// Run ids in variant order.
        var runs: [Int64]
        var cost: SetCost
        var tokens: Int

        enum CodingKeys: String, CodingKey { case id, session, started, sweptField = "swept_field", winner, runs, cost, tokens }
    }

    /// What a set's runs cost together: `cost_usd` when every run's cost is known, else
    /// `cost_unknown` with each unpriced run and why; `unpriced_runs` counts those.
    struct SetCost: Encodable {
        var costUSD: Money?
        var costUnknown: String?
        var unpricedRuns: Int

        enum CodingKeys: String, CodingKey { case costUSD = "cost_usd", costUnknown = "cost_unknown", unpricedRuns = "unpriced_runs" }
    }

    static func variantSet(_ set: PastSet, prices: PriceTable, date: (Double) -> String) -> VariantSet {
        var total = CostTotal()
        var unknown: [String] = []
        for run in set.runs {
            let cost = prices.cost(of: run)
            total.add(cost)
            if let reason = cost.unknownReason { unknown.append("run \(run.id): \(reason)") }
        }
        let cost = SetCost(costUSD: unknown.isEmpty ? total.known : nil,
                           costUnknown: unknown.isEmpty ? nil : unknown.joined(separator: "; "), unpricedRuns: total.unpricedRuns)
        return VariantSet(id: set.id, session: set.sessionID, started: date(set.started), sweptField: OrNull(set.sweptField),
                          winner: OrNull(set.winner), runs: set.runs.map(\.id), cost: cost,
                          tokens: set.runs.reduce(0) { $0 + ($1.totalTokens ?? 0) })
    }
}
