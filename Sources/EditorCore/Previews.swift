import Raster

/// Result previews are kept for the results shown most recently, at most `limit` of them (a
/// preview is up to 1024x1024 pixels, 4 MB; a long session brings hundreds of results). One
/// that was let go is read again when it is shown.
public enum Previews {
    public static let limit = 32

    /// Marks what the preview shows now as used, asks for the pictures it lacks, and lets go
    /// of the least recently shown beyond the limit.
    static func keepBounded(_ state: inout EditorState, size: Size) -> [Effect] {
        let shown = shownResults(state, size: size)
        let paths = shown.map { state.results[$0].path }
        state.previewUse.removeAll { paths.contains($0) }
        state.previewUse += paths
        var effects: [Effect] = []
        for index in shown where state.results[index].preview == nil && !state.previewsAsked.contains(state.results[index].path) {
            state.previewsAsked.insert(state.results[index].path)
            effects.append(.readPreview(path: state.results[index].path))
        }
        var kept = state.results.indices.filter { state.results[$0].preview != nil }
        while kept.count > limit, let victim = leastRecentlyShown(kept, state: state, except: Set(shown)) {
            state.results[victim].preview = nil
            state.previewsAsked.remove(state.results[victim].path)
            kept.removeAll { $0 == victim }
        }
        return effects
    }

    /// A preview read again; a file that cannot be read stays without one (and is not asked
    /// for again).
    static func received(path: String, image: RGBAImage?, state: inout EditorState) {
        guard let image else { return }
        for index in state.results.indices where state.results[index].path == path { state.results[index].preview = image }
    }

    /// Results never shown are the least recent, oldest first; then in the order last shown.
    private static func leastRecentlyShown(_ kept: [Int], state: EditorState, except shown: Set<Int>) -> Int? {
        let candidates = kept.filter { !shown.contains($0) }
        let rank = { (index: Int) -> Int in state.previewUse.firstIndex(of: state.results[index].path) ?? -1 }
        return candidates.min { (rank($0), $0) < (rank($1), $1) }
    }

    /// The results the preview shows now: one, the visible tiles of the grid, or those compared.
    static func shownResults(_ state: EditorState, size: Size) -> [Int] {
        let indices: [Int]
        switch state.preview {
        case .result(let index): indices = [index]
        case .gallery(let selected):
            let box = Layout.inner(Layout(size: size, zoomed: state.zoomed).preview)
            let grid = Layout.gallery(count: state.results.count, in: box)
            let first = grid.firstRow(showing: selected) * grid.columns
            indices = Array(first..<(first + grid.columns * grid.visibleRows))
        case .set:
            indices = state.sent?.runs.compactMap(\.results.first) ?? []
        case .compare(let comparison):
            indices = [comparison.left, comparison.right].compactMap { if case .result(let index) = $0 { index } else { nil } }
        case .source, .partial: indices = []
        }
        return indices.filter { state.results.indices.contains($0) }
    }
}
