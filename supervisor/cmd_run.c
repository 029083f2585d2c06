/* vigil run: the workload under seccomp user notification.
 *
 * As tini's main, a short list of steps: options, rules, outputs,
 * supervise, exit with the workload's status.  vigil's own failures
 * (bad rules, a filter it cannot install) exit before the workload runs. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/cli.h"
#include "vigil/outputs.h"
#include "vigil/protect.h"
#include "vigil/supervise.h"

static const char usage[] =
    "Usage: vigil run [OPTION]... -- COMMAND [ARG]...\n"
    "Run COMMAND under seccomp user notification and enforce the rules on it.\n"
    "\n"
    "  -r, --rules FILE         rules file (repeatable, in order; default: built-in policy)\n"
    "  -c, --config FILE        falco.yaml-style configuration\n"
    "  -o, --option KEY=VALUE   set a configuration key (dotted: file_output.enabled=true)\n"
    "      --monitor            decide but never deny or kill: alerts say would-deny/would-kill\n"
    "      --keep-caps          let the workload keep CAP_SYS_PTRACE and CAP_SYS_ADMIN (by\n"
    "                           default it starts without them in every capability set)\n"
    "      --explain            print how each syscall the rules need is handled (emulated,\n"
    "                           verified, errno-only, continued) and exit\n"
    "      --container-id ID    container.id (default: detected)\n"
    "      --container-name NAME\n"
    "      --container-image IMAGE\n"
    "  -h, --help               show this help\n"
    "\n"
    "The exit status is the workload's (128+N when killed by signal N, 127 when\n"
    "COMMAND is not found, 126 when it cannot be executed).\n";

enum { OPT_MONITOR = 256, OPT_KEEP_CAPS, OPT_EXPLAIN, OPT_CONTAINER_ID, OPT_CONTAINER_NAME, OPT_CONTAINER_IMAGE };

struct run_opts {
  bool monitor;
  bool keep_caps;
  bool explain;
  const char *container_id, *container_name, *container_image;
};

static int
on_run_option (int val, const char *arg, void *ctx)
{
  struct run_opts *r = ctx;
  switch (val)
    {
    case OPT_MONITOR:
      r->monitor = true;
      return 0;
    case OPT_KEEP_CAPS:
      r->keep_caps = true;
      return 0;
    case OPT_EXPLAIN:
      r->explain = true;
      return 0;
    case OPT_CONTAINER_ID:
      r->container_id = arg;
      return 0;
    case OPT_CONTAINER_NAME:
      r->container_name = arg;
      return 0;
    case OPT_CONTAINER_IMAGE:
      r->container_image = arg;
      return 0;
    }
  return -1;
}

static void
emit_to_outputs (struct alert *a, void *ctx)
{
  outputs_submit (ctx, a);
}

static void
reopen_outputs (void *ctx)
{
  outputs_reopen (ctx);
}

int
cmd_run (int argc, char **argv)
{
  static const struct option extra[] = {
    { "monitor", no_argument, NULL, OPT_MONITOR },
    { "keep-caps", no_argument, NULL, OPT_KEEP_CAPS },
    { "explain", no_argument, NULL, OPT_EXPLAIN },
    { "container-id", required_argument, NULL, OPT_CONTAINER_ID },
    { "container-name", required_argument, NULL, OPT_CONTAINER_NAME },
    { "container-image", required_argument, NULL, OPT_CONTAINER_IMAGE },
    { NULL, 0, NULL, 0 },
  };
  struct run_opts ro = { 0 };
  struct engine_args args;
  struct engine e;
  char host[256] = "localhost";
  vigil_error_t err = NULL;
  int ret;

  int first = cli_parse_engine_args (argc, argv, &args, usage, extra, on_run_option, &ro);
  if (first < 0)
    return first == -2 ? 0 : EXIT_USAGE;
  if (first >= argc && !ro.explain)
    {
      fprintf (stderr, "vigil run: no command to run\n%s", usage);
      free (args.rules);
      free (args.opts);
      return EXIT_USAGE;
    }
  args.target = COMPILE_LIVE;
  if (engine_load (&e, &args) < 0)
    {
      cli_print_diag (&e);
      engine_free (&e);
      free (args.rules);
      free (args.opts);
      return EXIT_FAILURE;
    }
  if (ro.monitor)
    e.cfg.mode = MODE_MONITOR;
  if (ro.explain)
    {
      supervise_explain (e.rs, e.cfg.mode, stdout);
      engine_free (&e);
      free (args.rules);
      free (args.opts);
      return 0;
    }
  gethostname (host, sizeof host - 1);
  struct container_identity ci;
  if (container_identity_detect (ro.container_id, ro.container_name, ro.container_image, &ci, &err) < 0)
    {
      vigil_error_print (&err, stderr);
      engine_free (&e);
      free (args.rules);
      free (args.opts);
      return EXIT_FAILURE;
    }
  if (strcmp (e.cfg.log_level, "debug") == 0 || strcmp (e.cfg.log_level, "info") == 0)
    {
      fprintf (stderr, "vigil: container.id=%s (from %s)\n", ci.id ? ci.id : "host",
               container_id_source_name (ci.source));
      protect_log_startup (stderr);
    }

  /* Outputs first: a channel that cannot open stops vigil before the
   * workload starts. */
  struct outputs *outs = NULL;
  if (outputs_start (&outs, &e.cfg, &err) < 0)
    {
      vigil_error_print (&err, stderr);
      container_identity_release (&ci);
      engine_free (&e);
      free (args.rules);
      free (args.opts);
      return EXIT_FAILURE;
    }
  struct supervise_opts so = {
    .engine = &e,
    .argv = argv + first,
    .hostname = e.cfg.hostname ? e.cfg.hostname : host,
    .container = &ci,
    .keep_caps = ro.keep_caps,
    .emit = emit_to_outputs,
    .reopen = reopen_outputs,
    .emit_ctx = outs,
  };
  ret = supervise_run (&so, &err);
  outputs_stop (outs);
  container_identity_release (&ci);
  if (ret < 0)
    {
      vigil_error_print (&err, stderr);
      ret = EXIT_FAILURE;
    }
  engine_free (&e);
  free (args.rules);
  free (args.opts);
  return ret;
}
