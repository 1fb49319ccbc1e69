/// The exit statuses scripts can rely on.
enum ExitCode: Int32 {
    /// Done.
    case success = 0
    /// Failed: the store could not be read or changed, or a deletion failed.
    case failure = 1
    /// The command line was wrong.
    case usage = 2
    /// The mark phase met something it could not read or parse, so nothing was swept.
    case markErrors = 3
}
