/* privdrop.h - giving up privileges once the device (and the -w file) is
 * open, before the first packet is parsed. */
#ifndef STRATA_PRIVDROP_H
#define STRATA_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Real or effective user is root. */
bool priv_is_root(void);
/* Look up a user name: its uid and primary group.  -1 with the reason. */
int priv_lookup(const char *user, uid_t *uid, gid_t *gid, char *err, size_t errlen);
/* Become `user` for good: supplementary groups (initgroups), then the
 * group, then the user; then check that root cannot be regained and that
 * no capability is left.  -1 with the reason. */
int priv_drop_to(const char *user, uid_t uid, gid_t gid, char *err, size_t errlen);
/* Root only, before priv_drop_to: whether `user` (with its groups) will
 * be able to create files in `dir`.  Checked with the user's effective
 * ids, then back to root.  1 yes, 0 no, -1 with the reason. */
int priv_user_can_write_dir(const char *user, uid_t uid, gid_t gid, const char *dir, char *err,
                            size_t errlen);
/* Not root but started with capabilities (setcap cap_net_raw,cap_net_admin):
 * give every capability up, now that the device is open.  -1 with the reason. */
int priv_drop_caps(char *err, size_t errlen);
/* Whether the process still holds any effective or permitted capability. */
bool priv_has_caps(void);

#endif
