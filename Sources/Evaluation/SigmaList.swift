import Foundation

/// `--sigma 15,25,50`: noise levels on the 0-255 scale, in the order given, without repeats.
public enum SigmaList {
    public static func parse(_ text: String) throws -> [Double] {
        var sigmas: [Double] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let sigma = Double(trimmed), sigma.isFinite, (0...255).contains(sigma) else {
                throw EvaluationError("--sigma \(text)", "expected comma-separated noise levels from 0 to 255, e.g. 15,25,50")
            }
            if !sigmas.contains(sigma) { sigmas.append(sigma) }
        }
        return sigmas
    }
}
