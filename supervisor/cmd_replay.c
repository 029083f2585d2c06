/* vigil replay: evaluate recorded events, print alerts as `vigil run` does.
 *
 * This is how a rule author tests rules with no root and no kernel
 * feature: the alerts are byte-for-byte those of the live supervisor, with
 * time and hostname taken from the events (or -o hostname=...). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vigil/cli.h"
#include "vigil/error.h"
#include "vigil/output.h"

static const char usage[] = "Usage: vigil replay [-r FILE]... [-c CONFIG] [-o KEY=VALUE]... [EVENTS.jsonl|-]\n"
                            "Evaluate recorded events, one JSON object per line keyed by Falco field\n"
                            "names ({\"evt.type\":\"openat\",\"fd.name\":\"/etc/shadow\",...}), and print the\n"
                            "alerts exactly as `vigil run` would.  An absent key is a missing value;\n"
                            "null is a value vigil could not read.  Reads standard input with no file\n"
                            "or '-'.\n";

struct replay {
  struct engine *e;
  struct eval_state *st;
  struct match_set m;
  struct alert_style style;
  const char *hostname;
};

static void
emit (const struct replay *r, const struct alert *a)
{
  char *line = r->e->cfg.json_output ? alert_json (a, &r->style) : alert_text (a, &r->style);
  puts (line);
  free (line);
}

static void
replay_event (struct replay *r, struct event *ev)
{
  eval_state_reset (r->st);
  if (rules_evaluate (r->e->rs, r->st, ev, &r->m) == 0)
    return;
  /* What vigil did about the event: the strongest action among the matches. */
  const char *action = engine_action_text (r->m.action, r->e->cfg.mode);
  size_t emitted = r->e->cfg.rule_matching == RULE_MATCHING_FIRST ? 1 : r->m.n;
  for (size_t i = 0; i < emitted; i++)
    {
      struct alert *a = alert_build (r->m.v[i].rule, r->st, ev, action);
      emit (r, a);
      alert_free (a);
    }
  /* A deny/kill rule applied because a field could not be read says so. */
  for (size_t i = 0; i < r->m.n; i++)
    if (r->m.v[i].unknown)
      {
        struct alert *a = engine_alert_unknown (&r->m.v[i], action, ev->ts, ev->hostname);
        emit (r, a);
        alert_free (a);
      }
}

static int
replay_stream (struct replay *r, FILE *in, const char *name)
{
  char *line = NULL;
  size_t cap = 0, lineno = 0, bad = 0;
  ssize_t len;
  char msg[256];

  while ((len = getline (&line, &cap, in)) >= 0)
    {
      lineno++;
      if (strspn (line, " \t\r\n") == (size_t) len)
        continue;
      struct replay_event *re = replay_event_parse (line, (size_t) len, r->hostname, msg, sizeof msg);
      if (re == NULL)
        {
          fprintf (stderr, "%s:%zu: error: %s\n", name, lineno, msg);
          bad++;
          continue;
        }
      replay_event (r, replay_event_base (re));
      replay_event_free (re);
    }
  free (line);
  if (ferror (in))
    {
      fprintf (stderr, "vigil replay: %s: %s\n", name, strerror (errno));
      return -1;
    }
  return bad ? -1 : 0;
}

int
cmd_replay (int argc, char **argv)
{
  struct engine_args args;
  struct engine e;
  char host[256] = "localhost";
  int first = cli_parse_engine_args (argc, argv, &args, usage, NULL, NULL, NULL);
  int ret = EXIT_SUCCESS;

  if (first < 0)
    return first == -2 ? 0 : EXIT_USAGE;
  if (argc - first > 1)
    {
      fprintf (stderr, "vigil replay: one events file at most\n%s", usage);
      free (args.rules);
      free (args.opts);
      return EXIT_USAGE;
    }
  const char *path = first < argc ? argv[first] : "-";
  args.target = COMPILE_REPLAY;
  if (engine_load (&e, &args) < 0)
    {
      cli_print_diag (&e);
      ret = EXIT_FAILURE;
      goto out;
    }

  FILE *in = strcmp (path, "-") == 0 ? stdin : fopen (path, "r");
  if (in == NULL)
    {
      fprintf (stderr, "vigil replay: cannot open %s: %s\n", path, strerror (errno));
      ret = EXIT_FAILURE;
      goto out;
    }
  gethostname (host, sizeof host - 1);
  struct replay r = {
    .e = &e,
    .st = eval_state_new (e.rs),
    .style = { .iso8601 = e.cfg.time_format_iso_8601,
               .json_include_output = e.cfg.json_include_output_property,
               .json_include_tags = e.cfg.json_include_tags_property },
    .hostname = e.cfg.hostname ? e.cfg.hostname : host,
  };
  if (replay_stream (&r, in, strcmp (path, "-") == 0 ? "<stdin>" : path) < 0)
    ret = EXIT_FAILURE;
  if (in != stdin)
    fclose (in);
  eval_state_free (r.st);
  match_set_free (&r.m);
out:
  engine_free (&e);
  free (args.rules);
  free (args.opts);
  return ret;
}
