/* privdrop.c - dropping root (tcpdump's droproot: initgroups, setgid,
 * setuid, each checked) or, for a non-root strata given capabilities with
 * setcap, dropping the capabilities themselves once the device is open. */
#include "privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define PRIV_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PRIV_SANITIZED 1
#endif
#endif

/* LeakSanitizer stops the process with ptrace at exit, which the kernel
 * refuses to a process that changed credentials or was started with file
 * capabilities: only in sanitizer builds, make it traceable again. */
static void keep_traceable_for_sanitizers(void)
{
#ifdef PRIV_SANITIZED
    prctl(PR_SET_DUMPABLE, 1);
#endif
}

bool priv_is_root(void)
{
    return getuid() == 0 || geteuid() == 0;
}

int priv_lookup(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
    errno = 0;
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        if (errno)
            snprintf(err, errlen, "cannot look up user '%s': %s", user, strerror(errno));
        else
            snprintf(err, errlen, "no such user '%s'", user);
        return -1;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return 0;
}

static int capget_now(struct __user_cap_data_struct data[2])
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    memset(data, 0, 2 * sizeof data[0]);
    return (int)syscall(SYS_capget, &hdr, data);
}

bool priv_has_caps(void)
{
    struct __user_cap_data_struct data[2];
    if (capget_now(data) < 0)
        return false;
    return data[0].effective || data[1].effective || data[0].permitted || data[1].permitted;
}

int priv_drop_caps(char *err, size_t errlen)
{
    if (!priv_has_caps())
        return 0;
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) < 0) {
        snprintf(err, errlen, "cannot give up capabilities: %s", strerror(errno));
        return -1;
    }
    if (priv_has_caps()) {
        snprintf(err, errlen, "capabilities still held after giving them up");
        return -1;
    }
    keep_traceable_for_sanitizers();
    return 0;
}

int priv_user_can_write_dir(const char *user, uid_t uid, gid_t gid, const char *dir, char *err,
                            size_t errlen)
{
    /* the groups are the user's from here on (priv_drop_to sets them
     * again); root's own effective ids come back below */
    if (initgroups(user, gid) != 0 || setegid(gid) != 0 || seteuid(uid) != 0) {
        snprintf(err, errlen, "cannot take the ids of '%s': %s", user, strerror(errno));
        if (seteuid(0) != 0 || setegid(0) != 0)
            return -1;
        return -1;
    }
    int ok = faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0;
    if (seteuid(0) != 0 || setegid(0) != 0) {
        snprintf(err, errlen, "cannot return to root after checking '%s': %s", dir, strerror(errno));
        return -1;
    }
    return ok;
}

int priv_drop_to(const char *user, uid_t uid, gid_t gid, char *err, size_t errlen)
{
    if (initgroups(user, gid) != 0) {
        snprintf(err, errlen, "cannot set the groups of '%s': %s", user, strerror(errno));
        return -1;
    }
    if (setgid(gid) != 0) {
        snprintf(err, errlen, "cannot change to group %lu of '%s': %s", (unsigned long)gid, user,
                 strerror(errno));
        return -1;
    }
    if (setuid(uid) != 0) {
        snprintf(err, errlen, "cannot change to user '%s' (uid %lu): %s", user, (unsigned long)uid,
                 strerror(errno));
        return -1;
    }
    if (uid != 0) {
        /* checked: the way back must be closed */
        if (setuid(0) == 0 || seteuid(0) == 0 || getuid() != uid || geteuid() != uid ||
            getgid() != gid || getegid() != gid) {
            snprintf(err, errlen, "privileges of '%s' could be regained after dropping them", user);
            return -1;
        }
        if (priv_has_caps() && priv_drop_caps(err, errlen) < 0)
            return -1;
    }
    keep_traceable_for_sanitizers();
    return 0;
}
