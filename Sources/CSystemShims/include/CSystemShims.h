#ifndef CSYSTEMSHIMS_H
#define CSYSTEMSHIMS_H

/// Opens `path` relative to `dirfd` with openat2(2), refusing any symlink on the way and any
/// escape above `dirfd` (RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS).
/// Returns the fd, or -1 with errno set (ENOSYS on kernels before 5.6).
int rk_open_beneath(int dirfd, const char *path, int flags);

#endif
