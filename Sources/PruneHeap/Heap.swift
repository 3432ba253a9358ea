#if canImport(Glibc)
import CMalloc
#endif

/// The process heap (glibc malloc). Parsing a signed bundle takes several times the file in
/// short-lived allocations; glibc keeps freed pages between live ones, so an audit that
/// re-reads many bundles grew by several MB per bundle without holding more data
/// (Specs/limits.md, "Audits").
public enum Heap {
    /// Runs `body` with every allocation of 128 KiB or more served by its own mapping, which
    /// goes back to the system when freed (`mallopt(M_MMAP_THRESHOLD)`), then serves
    /// allocations under 32 MiB from the heap again, as glibc's adaptive threshold ends up
    /// doing. For parsing a bundle: glibc raises its threshold after each large free, so
    /// without this the next bundle's parse buffers land in the heap and stay mapped; for the
    /// per-point checks, mapping every mid-sized array costs a page fault per page.
    public static func withLargeAllocationsMapped<T>(_ body: () throws -> T) rethrows -> T {
        setThresholds(mmap: 128 << 10, trim: 256 << 10)
        defer {
            releaseFreePages()
            // Fixing one threshold stops glibc adapting either; the trim threshold is set as the
            // adaptive rule would (twice the mmap threshold), or every free at the heap's top
            // shrinks it and the next allocation faults the pages back in.
            setThresholds(mmap: 32 << 20, trim: 64 << 20)
        }
        return try body()
    }

    static func setThresholds(mmap: Int32, trim: Int32) {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, mmap)
        _ = mallopt(M_TRIM_THRESHOLD, trim)
        #endif
    }

    /// Returns the heap's free pages to the system (`malloc_trim(0)`); a no-op elsewhere.
    public static func releaseFreePages() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
