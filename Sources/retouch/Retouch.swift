import ArgumentParser
import ImageEditAPI

@main
struct Retouch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retouch",
        abstract: "Edit images with OpenAI's image-edit endpoint from the terminal.",
        version: RetouchVersion.string,
        subcommands: [Info.self]
    )
}
