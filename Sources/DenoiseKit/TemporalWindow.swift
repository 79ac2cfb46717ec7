/// Which frames a temporal model sees when it restores frame `centre`: the `frames` neighbours centred on
/// it, each clamped into the shot that holds it (the clip's first and last frames and scene cuts bound a
/// shot). Beyond a bound the nearest frame inside it is repeated, noise included, as the model was trained
/// (Scripts/video_training_data.py, shot_indices), so no frame of another shot ever enters the window.
public enum TemporalWindow {
    /// Indices of the window's frames, oldest first; `shot` must contain `centre`.
    public static func indices(centre: Int, frames: Int, shot: ClosedRange<Int>) -> [Int] {
        precondition(shot.contains(centre), "frame \(centre) outside its shot \(shot)")
        let radius = frames / 2
        return (-radius...radius).map { min(max(centre + $0, shot.lowerBound), shot.upperBound) }
    }
}
