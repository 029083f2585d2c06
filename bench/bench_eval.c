/* vigil benchmark: rule evaluation cost per event.
 *
 * Loads the given rules files, reads an event mix (JSON lines), and times
 * per event, on one core:
 *   total     - a new event: values extracted on demand, then matched
 *   matching  - the same event matched again with its values cached
 *   extraction = total - matching
 * with every matching rule collected (rule_matching: all).  Each figure is
 * the median of several rounds, with min and max.  Not a test: it asserts
 * nothing about time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/engine.h"
#include "vigil/event.h"
#include "vigil/rules.h"

#define ROUNDS 7

static double
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, double *v)
{
  qsort (v, ROUNDS, sizeof *v, cmp_double);
  printf ("%-12s %8.1f ns/event  (min %.1f, max %.1f)\n", what, v[ROUNDS / 2], v[0], v[ROUNDS - 1]);
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: bench_eval EVENTS.jsonl RULES.yaml...\n");
      return 2;
    }
  struct engine e;
  struct engine_args args = { .rules = (const char **) argv + 2, .nrules = (size_t) argc - 2 };
  if (engine_load (&e, &args) < 0)
    {
      diag_print (&e.diag, stderr);
      return 1;
    }

  FILE *f = fopen (argv[1], "r");
  if (f == NULL)
    {
      perror (argv[1]);
      return 1;
    }
  struct replay_event **evs = NULL;
  size_t nev = 0;
  char *line = NULL, msg[256];
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      struct replay_event *re = replay_event_parse (line, strlen (line), "bench", msg, sizeof msg);
      if (re == NULL)
        continue;
      evs = realloc (evs, (nev + 1) * sizeof *evs);
      evs[nev++] = re;
    }
  free (line);
  fclose (f);
  if (nev == 0)
    {
      fprintf (stderr, "bench_eval: no events in %s\n", argv[1]);
      return 1;
    }

  struct eval_state *st = eval_state_new (e.rs);
  struct match_set m = { 0 };
  /* BENCH_EVENTS lowers the count for instruction counting under callgrind. */
  const char *env = getenv ("BENCH_EVENTS");
  size_t target = env ? strtoul (env, NULL, 10) : 200000;
  size_t iters = target / nev + 1, matches = 0, evaluated = 0;
  double total[ROUNDS], matching[ROUNDS], extraction[ROUNDS];

  for (int r = 0; r < ROUNDS; r++)
    {
      double t0 = now_ns ();
      for (size_t it = 0; it < iters; it++)
        for (size_t i = 0; i < nev; i++)
          {
            struct event *ev = replay_event_base (evs[i]);
            eval_state_reset (st);
            matches += rules_evaluate (e.rs, st, ev, &m);
          }
      double t1 = now_ns ();
      total[r] = (t1 - t0) / (double) (iters * nev);

      double tm = 0;
      for (size_t it = 0; it < iters; it++)
        for (size_t i = 0; i < nev; i++)
          {
            struct event *ev = replay_event_base (evs[i]);
            eval_state_reset (st);
            rules_evaluate (e.rs, st, ev, &m); /* fill the value cache */
            eval_state_rematch (st);
            double a = now_ns ();
            rules_evaluate (e.rs, st, ev, &m);
            tm += now_ns () - a;
          }
      matching[r] = tm / (double) (iters * nev);
      extraction[r] = total[r] - matching[r];
      evaluated += iters * nev;
    }

  size_t per_event_rules = 0;
  for (size_t i = 0; i < nev; i++)
    {
      struct event *ev = replay_event_base (evs[i]);
      per_event_rules += ev->type >= 0 ? e.rs->by_type[ev->type].n : e.rs->untyped.n;
    }
  printf ("rules: %zu enabled of %zu; events: %zu in the mix, %.1f rules evaluated per event on average; "
          "%.2f matches per event\n",
          e.rs->nenabled, e.rs->nrules, nev, (double) per_event_rules / nev, (double) matches / evaluated);
  report ("total", total);
  report ("matching", matching);
  report ("extraction", extraction);

  match_set_free (&m);
  eval_state_free (st);
  for (size_t i = 0; i < nev; i++)
    replay_event_free (evs[i]);
  free (evs);
  engine_free (&e);
  return 0;
}
