/* vigil: the supervisor: start the workload under the seccomp filter,
 * answer its notifications, and do an init's duties (reap, forward
 * signals, give a tty's foreground to the workload). */
#ifndef VIGIL_SUPERVISE_H
#define VIGIL_SUPERVISE_H

#include <stdbool.h>

#include "vigil/container_id.h"
#include "vigil/engine.h"
#include "vigil/error.h"
#include "vigil/output.h"

struct supervise_opts {
  struct engine *engine;  /* loaded rules and configuration */
  char *const *argv;      /* the workload's command */
  const char *hostname;   /* as alerts print it */
  const struct container_identity *container; /* container.* and k8s.* fields */
  bool keep_caps;         /* the workload keeps CAP_SYS_PTRACE and CAP_SYS_ADMIN */
  /* Where alerts go; called on the supervisor thread after the kernel was
   * answered.  Takes ownership of the alert. */
  void (*emit) (struct alert *a, void *ctx);
  void *emit_ctx;
  /* Called (from the loop, not a signal handler) on the reopen signal. */
  void (*reopen) (void *ctx);
};

/** Run the workload to completion.  Returns its exit status as an
 *  entrypoint should (its code, 128+N when killed by signal N, 127 when
 *  the command is not found, 126 when it cannot be executed), or -1 with
 *  *err when vigil failed before the workload started. */
int supervise_run (const struct supervise_opts *o, vigil_error_t *err);

/** Print how each syscall the rules need is handled: emulated,
 *  verified, errno-only or continued (vigil run --explain). */
void supervise_explain (const struct ruleset *rs, enum vigil_mode mode, FILE *out);

#endif
