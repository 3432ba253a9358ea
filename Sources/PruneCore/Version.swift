/// The version of prune, recorded in every bundle and report it writes.
public enum PruneVersion {
    public static let string = "0.1.0"
}
