/// Names an overlay in the stack, so that the answer to an effect it asked for reaches it (or
/// nothing, once it has closed) however the stack has changed meanwhile.
public struct LayerID: Hashable, Sendable, CustomStringConvertible {
    public let value: Int
    public init(_ value: Int) { self.value = value }
    public var description: String { "layer \(value)" }
}

/// What an overlay's update asks of the stack.
public struct LayerOutcome: Sendable {
    public var closes: Bool
    public var effects: [Effect]

    public static func stays(_ effects: [Effect] = []) -> LayerOutcome { LayerOutcome(closes: false, effects: effects) }
    public static func closes(_ effects: [Effect] = []) -> LayerOutcome { LayerOutcome(closes: true, effects: effects) }
}

/// A panel drawn over the main screen: help, an error, the file picker, the export prompt, the
/// history, a confirmation. Each owns its state, its update and its view; an overlay is added
/// by writing one type that conforms and pushing it (see docs/architecture.md).
public protocol OverlayLayer: Sendable {
    /// Where its keys are looked up, first to last. Keys it does not bind go nowhere: an
    /// overlay is modal, and only the `always` keys (quitting) pass it.
    var contexts: [KeyContext] { get }

    /// An action from its keys. It may change the editor (`editor.overlays` included: what it
    /// pushes goes above it) and say whether it closes.
    mutating func update(_ action: Action, key: Key, editor: inout EditorState, layer: LayerContext) -> LayerOutcome

    /// The answer to an effect it asked for.
    mutating func receive(_ reply: Reply, editor: inout EditorState, layer: LayerContext) -> [Effect]

    func draw(_ editor: EditorState, size: Size, on screen: inout Screen)

    func isEqual(to other: any OverlayLayer) -> Bool
}

/// What an overlay knows of its place: its name in the stack and the screen's size.
public struct LayerContext: Sendable {
    public let id: LayerID
    public let size: Size
}

extension OverlayLayer {
    public mutating func receive(_ reply: Reply, editor: inout EditorState, layer: LayerContext) -> [Effect] { [] }
}

extension OverlayLayer where Self: Equatable {
    public func isEqual(to other: any OverlayLayer) -> Bool { (other as? Self) == self }
}

/// The open overlays, bottom first. Keys go to the top one; every one is drawn, bottom up.
public struct OverlayStack: Equatable, Sendable {
    public private(set) var entries: [(id: LayerID, layer: any OverlayLayer)] = []
    private var nextID = 1

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }
    public var top: (any OverlayLayer)? { entries.last?.layer }

    /// The topmost overlay of type `T`, if one is open.
    public func first<T: OverlayLayer>(_ type: T.Type) -> T? {
        entries.reversed().lazy.compactMap { $0.layer as? T }.first
    }

    @discardableResult
    public mutating func push(_ layer: any OverlayLayer) -> LayerID {
        let id = LayerID(nextID)
        nextID += 1
        entries.append((id, layer))
        return id
    }

    public mutating func closeAll() { entries.removeAll() }

    /// Closes every overlay of type `T`.
    public mutating func remove<T: OverlayLayer>(_ type: T.Type) { entries.removeAll { $0.layer is T } }

    /// Removes the overlay `id` to work on it; `put` puts it back where it was.
    mutating func take(_ id: LayerID) -> (index: Int, layer: any OverlayLayer)? {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
        return (index, entries.remove(at: index).layer)
    }

    mutating func put(_ layer: any OverlayLayer, id: LayerID, at index: Int) {
        entries.insert((id, layer), at: min(index, entries.count))
    }

    public static func == (lhs: OverlayStack, rhs: OverlayStack) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.id == $1.id && $0.layer.isEqual(to: $1.layer) }
    }
}

extension Editor {
    /// An action for the top overlay.
    static func updateTopOverlay(_ key: Key, state: inout EditorState, size: Size) -> [Effect] {
        guard let id = state.overlays.entries.last?.id, let top = state.overlays.top,
              let action = Keymap.action(for: key, in: top.contexts) else { return [] }
        return withOverlay(id, state: &state, size: size) { layer, state, context in
            layer.update(action, key: key, editor: &state, layer: context)
        }
    }

    /// A reply for the overlay that asked; dropped when it has closed.
    static func deliver(_ reply: Reply, to id: LayerID, state: inout EditorState, size: Size) -> [Effect] {
        withOverlay(id, state: &state, size: size) { layer, state, context in
            .stays(layer.receive(reply, editor: &state, layer: context))
        }
    }

    private static func withOverlay(_ id: LayerID, state: inout EditorState, size: Size,
                                    _ body: (inout any OverlayLayer, inout EditorState, LayerContext) -> LayerOutcome) -> [Effect] {
        guard let (index, taken) = state.overlays.take(id) else { return [] }
        var layer = taken
        let outcome = body(&layer, &state, LayerContext(id: id, size: size))
        if !outcome.closes { state.overlays.put(layer, id: id, at: index) }
        return outcome.effects
    }
}
