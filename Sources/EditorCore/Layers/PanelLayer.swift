/// A panel of the main screen: the prompt, the preview (mask, results, grid, comparison), the
/// parameters, the sources. Each reads the editor's state, keeps its own part of it, handles
/// the actions of its contexts while focused, and draws itself in its place of the layout.
protocol PanelLayer {
    /// Where its keys are looked up, first to last, as the state now is.
    static func contexts(_ state: EditorState) -> [KeyContext]
    static func update(_ action: Action, key: Key, state: inout EditorState, size: Size) -> [Effect]
    static func draw(_ state: EditorState, layout: Layout, on screen: inout Screen)
}

extension Panel {
    var layer: any PanelLayer.Type {
        switch self {
        case .prompt: PromptPanel.self
        case .mask: PreviewPanel.self
        case .parameters: ParametersPanel.self
        case .sources: SourcesPanel.self
        }
    }
}
