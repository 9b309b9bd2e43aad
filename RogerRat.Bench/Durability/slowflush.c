/*
 * slowflush BACKING MOUNTPOINT DELAY_US [fuse options]: a FUSE passthrough of BACKING whose fsync, fdatasync and
 * directory fsync call the real one on BACKING (the data still reaches the disk), then sleep until DELAY_US have
 * passed since the call began.
 * It stands in for a disk whose cache flush costs milliseconds (cloud block volumes, SSDs that honour FLUSH, hard
 * disks) on a VM whose disk flushes in ~0.3 ms. slow-flush.sh puts an image file on it, a loop device on that and
 * ext4 on the loop device: the kernel's FUSE fsync holds the file's inode lock for the whole request, so writes to a
 * file fsynced here directly would wait out every flush, which no real disk makes them do. Under ext4 a flush is the
 * loop device's cache flush (an ext4 fsync sends two, like on the VM's virtio disk: write cache, no FUA).
 *
 * Flushes are serialised, as one device's FLUSH commands are. flush (called on every close) is not a disk flush and
 * is not delayed. SIGUSR1 prints the flushes so far and their mean duration, to check what the device really costs.
 *
 * Build: gcc -O2 -Wall slowflush.c $(pkg-config fuse3 --cflags --libs) -o slowflush   (Debian: libfuse3-dev)
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static int backing;                 /* dirfd of BACKING; every path is resolved under it */
static long delay_us;
static pthread_mutex_t device = PTHREAD_MUTEX_INITIALIZER;
static long long syncs, sync_ns;

static const char *rel(const char *path) { return path[1] ? path + 1 : "."; }
static int err(int r) { return r == -1 ? -errno : 0; }
static long long now_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }

static int slow_sync(int fd, int datasync)
{
    pthread_mutex_lock(&device);
    long long t0 = now_ns(), until = t0 + delay_us * 1000LL;
    int r = datasync ? fdatasync(fd) : fsync(fd);
    int e = errno;
    /* The real flush counts towards the delay, so a flush costs DELAY_US however busy the real disk is (unless the
       real one alone takes longer). */
    struct timespec d = { until / 1000000000LL, until % 1000000000LL };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &d, NULL) == EINTR) {}
    syncs++;
    sync_ns += now_ns() - t0;
    pthread_mutex_unlock(&device);
    errno = e;
    return err(r);
}

static void report(int sig)
{
    (void)sig;
    char line[128];
    int n = snprintf(line, sizeof line, "slowflush: %lld flushes, mean %.3f ms\n", syncs, syncs ? sync_ns / 1e6 / syncs : 0.0);
    if (write(2, line, n) < 0) {}
}

static void *sf_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    /* Writes land in the kernel's page cache and reach BACKING at fsync or writeback, as on a disk filesystem;
       without it every write() is a round trip to this process, which is not what a slow-flush disk costs. */
    if (conn->capable & FUSE_CAP_WRITEBACK_CACHE) conn->want |= FUSE_CAP_WRITEBACK_CACHE;
    cfg->use_ino = 1;
    cfg->nullpath_ok = 1;
    /* Unlink for real even while open (every op on an open file goes by its fd), or libfuse renames the file to
       .fuse_hidden* and a killed hub's data dir cannot be removed. */
    cfg->hard_remove = 1;
    /* Only this mount changes BACKING, so the kernel may keep what it learnt (else every write asks for the size). */
    cfg->entry_timeout = cfg->attr_timeout = cfg->negative_timeout = 1.0;
    return NULL;
}

static int sf_getattr(const char *p, struct stat *st, struct fuse_file_info *fi)
{
    return fi ? err(fstat(fi->fh, st)) : err(fstatat(backing, rel(p), st, AT_SYMLINK_NOFOLLOW));
}

static int sf_access(const char *p, int mask) { return err(faccessat(backing, rel(p), mask, 0)); }
static int sf_mkdir(const char *p, mode_t m) { return err(mkdirat(backing, rel(p), m)); }
static int sf_unlink(const char *p) { return err(unlinkat(backing, rel(p), 0)); }
static int sf_rmdir(const char *p) { return err(unlinkat(backing, rel(p), AT_REMOVEDIR)); }
static int sf_chmod(const char *p, mode_t m, struct fuse_file_info *fi) { return fi ? err(fchmod(fi->fh, m)) : err(fchmodat(backing, rel(p), m, 0)); }

static int sf_rename(const char *from, const char *to, unsigned int flags)
{
    return err(renameat2(backing, rel(from), backing, rel(to), flags));
}

static int sf_chown(const char *p, uid_t u, gid_t g, struct fuse_file_info *fi)
{
    return fi ? err(fchown(fi->fh, u, g)) : err(fchownat(backing, rel(p), u, g, AT_SYMLINK_NOFOLLOW));
}

static int sf_truncate(const char *p, off_t size, struct fuse_file_info *fi)
{
    if (fi) return err(ftruncate(fi->fh, size));
    int fd = openat(backing, rel(p), O_WRONLY);
    if (fd == -1) return -errno;
    int r = err(ftruncate(fd, size));
    close(fd);
    return r;
}

static int sf_utimens(const char *p, const struct timespec tv[2], struct fuse_file_info *fi)
{
    return fi ? err(futimens(fi->fh, tv)) : err(utimensat(backing, rel(p), tv, AT_SYMLINK_NOFOLLOW));
}

/* With the writeback cache the kernel reads pages to fill partial writes and appends itself. */
static int flags(int f) { return ((f & O_ACCMODE) == O_WRONLY ? (f & ~O_ACCMODE) | O_RDWR : f) & ~(O_APPEND | O_NOFOLLOW); }

static int sf_open(const char *p, struct fuse_file_info *fi)
{
    int fd = openat(backing, rel(p), flags(fi->flags));
    if (fd == -1) return -errno;
    fi->fh = fd;
    return 0;
}

static int sf_create(const char *p, mode_t m, struct fuse_file_info *fi)
{
    int fd = openat(backing, rel(p), flags(fi->flags), m);
    if (fd == -1) return -errno;
    fi->fh = fd;
    return 0;
}

static int sf_read(const char *p, char *buf, size_t n, off_t off, struct fuse_file_info *fi)
{
    (void)p;
    ssize_t r = pread(fi->fh, buf, n, off);
    return r == -1 ? -errno : (int)r;
}

static int sf_write(const char *p, const char *buf, size_t n, off_t off, struct fuse_file_info *fi)
{
    (void)p;
    ssize_t r = pwrite(fi->fh, buf, n, off);
    return r == -1 ? -errno : (int)r;
}

static int sf_statfs(const char *p, struct statvfs *st) { (void)p; return err(fstatvfs(backing, st)); }
static int sf_release(const char *p, struct fuse_file_info *fi) { (void)p; close(fi->fh); return 0; }
static int sf_fsync(const char *p, int datasync, struct fuse_file_info *fi) { (void)p; return slow_sync(fi->fh, datasync); }

static int sf_opendir(const char *p, struct fuse_file_info *fi)
{
    int fd = openat(backing, rel(p), O_RDONLY | O_DIRECTORY);
    if (fd == -1) return -errno;
    fi->fh = fd;
    return 0;
}

static int sf_readdir(const char *p, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags)
{
    (void)p; (void)off; (void)flags;
    DIR *d = fdopendir(dup(fi->fh));
    if (!d) return -errno;
    rewinddir(d);
    for (struct dirent *e; (e = readdir(d));)
    {
        struct stat st = { .st_ino = e->d_ino, .st_mode = e->d_type << 12 };
        if (fill(buf, e->d_name, &st, 0, 0)) break;
    }
    closedir(d);
    return 0;
}

static int sf_releasedir(const char *p, struct fuse_file_info *fi) { (void)p; close(fi->fh); return 0; }
static int sf_fsyncdir(const char *p, int datasync, struct fuse_file_info *fi) { (void)p; return slow_sync(fi->fh, datasync); }

static const struct fuse_operations ops = {
    .init = sf_init, .getattr = sf_getattr, .access = sf_access, .mkdir = sf_mkdir, .unlink = sf_unlink,
    .rmdir = sf_rmdir, .rename = sf_rename, .chmod = sf_chmod, .chown = sf_chown, .truncate = sf_truncate,
    .utimens = sf_utimens, .open = sf_open, .create = sf_create, .read = sf_read, .write = sf_write,
    .statfs = sf_statfs, .release = sf_release, .fsync = sf_fsync, .opendir = sf_opendir, .readdir = sf_readdir,
    .releasedir = sf_releasedir, .fsyncdir = sf_fsyncdir,
};

int main(int argc, char *argv[])
{
    if (argc < 4)
    {
        fprintf(stderr, "usage: slowflush BACKING MOUNTPOINT DELAY_US [fuse options]\n");
        return 2;
    }
    backing = open(argv[1], O_RDONLY | O_DIRECTORY);
    if (backing == -1) { perror(argv[1]); return 1; }
    delay_us = atol(argv[3]);
    signal(SIGUSR1, report);
    /* fuse_main sees: prog MOUNTPOINT [options] */
    argv[3] = argv[2];
    argv[2] = argv[0];
    return fuse_main(argc - 2, argv + 2, &ops, NULL);
}
