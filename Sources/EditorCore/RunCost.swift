import ImageEditModel
import SessionModel

extension PriceTable {
    /// What a past run cost: nothing on the local engine, else the table's price of the usage
    /// it recorded (the text and image split included), when the model has one.
    public func cost(of run: PastRun) -> Cost {
        let recorded = run.inputTokens == nil && run.outputTokens == nil && run.totalTokens == nil ? nil : Usage(
            inputTokens: run.inputTokens, outputTokens: run.outputTokens, totalTokens: run.totalTokens,
            inputTokensDetails: run.inputTextTokens == nil && run.inputImageTokens == nil
                ? nil : .init(textTokens: run.inputTextTokens, imageTokens: run.inputImageTokens),
            outputTokensDetails: run.outputTextTokens == nil && run.outputImageTokens == nil
                ? nil : .init(textTokens: run.outputTextTokens, imageTokens: run.outputImageTokens))
        return cost(of: recorded, model: run.parameters[EditField.model.rawValue] ?? EditRequest.defaultModel,
                    local: run.backend == Backend.local.label)
    }
}
