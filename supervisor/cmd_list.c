/* vigil list: the rules, or the field catalogue. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/cli.h"
#include "vigil/error.h"

static const char usage[] = "Usage: vigil list [-r FILE]... [-c CONFIG] [-o KEY=VALUE]... [--fields]\n"
                            "Show each rule with its priority, action, state, event types and tags\n"
                            "(-o json_output=true prints JSON), or with --fields every field vigil\n"
                            "knows: its type and whether vigil supplies it live, only in replay, or not.\n";

/* Event types, comma-separated: those of `set` not in `minus`. */
static char *
types_text (const struct evttype_set *set, const struct evttype_set *minus)
{
  size_t len = 0, cap = 64;
  char *s = xmalloc (cap);

  s[0] = '\0';
  for (size_t t = 0, n = evttype_count (); t < n; t++)
    if (evttype_set_has (set, (int) t) && !(minus && evttype_set_has (minus, (int) t)))
      {
        const char *name = evttype_name ((int) t);
        size_t k = strlen (name);
        while (len + k + 2 > cap)
          s = xrealloc (s, cap *= 2);
        len += sprintf (s + len, "%s%s", len ? "," : "", name);
      }
  return s;
}

/* The event types of a rule, comma-separated, or "*" for every type. */
static char *
rule_types_text (const struct rule *r)
{
  return r->all_types ? xstrdup ("*") : types_text (&r->types, NULL);
}

/* The syscalls a deny/kill rule is enforced on although it does not name
 * them (its types' class siblings), or "" . */
static char *
rule_widened_text (const struct rule *r)
{
  if (!r->enabled || r->all_types)
    return xstrdup ("");
  /* An open that is a member as an open of /proc/<pid>/mem is named so. */
  struct evttype_set plain = { { 0 } };
  bool proc_mem = false;
  for (size_t i = 0; i < r->naliases; i++)
    {
      const struct rule_alias *al = &r->aliases[i];
      if (al->guard && al->guard->test == ET_PROC_MEM)
        proc_mem = true;
      else
        evttype_set_add (&plain, al->type);
    }
  char *s = types_text (&plain, NULL);
  if (!proc_mem)
    return s;
  char *t = xmalloc (strlen (s) + 32);
  sprintf (t, "%s%sopens of /proc/<pid>/mem", s, s[0] ? "," : "");
  free (s);
  return t;
}

static const char *
rule_state (const struct rule *r)
{
  return r->enabled ? "enabled" : r->skip_reason ? r->skip_reason : "disabled";
}

static void
list_rules_text (const struct ruleset *rs)
{
  int w = 4;
  for (size_t i = 0; i < rs->nrules; i++)
    if ((int) strlen (rs->rules[i].name) > w)
      w = (int) strlen (rs->rules[i].name);
  if (w > 60)
    w = 60;
  printf ("%-*s  %-13s  %-6s  %-10s  %-24s  %s\n", w, "RULE", "PRIORITY", "ACTION", "STATE", "EVENT TYPES",
          "TAGS");
  for (size_t i = 0; i < rs->nrules; i++)
    {
      const struct rule *r = &rs->rules[i];
      cleanup_free char *types = rule_types_text (r);
      printf ("%-*s  %-13s  %-6s  %-10s  %-24s  ", w, r->name, priority_name (r->priority), action_name (r->action),
              rule_state (r), types);
      for (size_t k = 0; k < r->ntags; k++)
        printf ("%s%s", k ? "," : "", r->tags[k]);
      if (r->result_assumed)
        printf ("%s[result assumed live]", r->ntags ? " " : "");
      if (r->replay_only_field)
        printf ("%s[replay only: %s]", r->ntags ? " " : "", r->replay_only_field);
      cleanup_free char *widened = rule_widened_text (r);
      if (widened[0])
        printf ("%s[also enforced on: %s]", r->ntags ? " " : "", widened);
      putchar ('\n');
    }
}

static void
list_rules_json (const struct ruleset *rs)
{
  cJSON *arr = cJSON_CreateArray ();

  for (size_t i = 0; i < rs->nrules; i++)
    {
      const struct rule *r = &rs->rules[i];
      cJSON *o = cJSON_CreateObject ();
      cleanup_free char *types = rule_types_text (r);
      cJSON_AddStringToObject (o, "rule", r->name);
      cJSON_AddStringToObject (o, "priority", priority_name (r->priority));
      cJSON_AddStringToObject (o, "action", action_name (r->action));
      if (r->action == ACTION_DENY)
        cJSON_AddNumberToObject (o, "errno", r->errno_value);
      cJSON_AddBoolToObject (o, "enabled", r->enabled);
      if (!r->enabled)
        cJSON_AddStringToObject (o, "state", rule_state (r));
      cJSON_AddStringToObject (o, "source", r->source);
      cJSON *tags = cJSON_AddArrayToObject (o, "tags");
      for (size_t k = 0; k < r->ntags; k++)
        cJSON_AddItemToArray (tags, cJSON_CreateString (r->tags[k]));
      cJSON *evt = cJSON_AddArrayToObject (o, "event_types");
      if (r->all_types)
        cJSON_AddItemToArray (evt, cJSON_CreateString ("*"));
      else
        for (char *save = NULL, *t = strtok_r (types, ",", &save); t; t = strtok_r (NULL, ",", &save))
          cJSON_AddItemToArray (evt, cJSON_CreateString (t));
      cleanup_free char *widened = rule_widened_text (r);
      if (widened[0])
        {
          /* What a deny/kill rule is enforced on: its types and their siblings. */
          cleanup_free char *enforced = types_text (&r->enforced, NULL);
          cJSON *enf = cJSON_AddArrayToObject (o, "enforced_types");
          for (char *save = NULL, *t = strtok_r (enforced, ",", &save); t; t = strtok_r (NULL, ",", &save))
            cJSON_AddItemToArray (enf, cJSON_CreateString (t));
        }
      cJSON_AddBoolToObject (o, "result_assumed", r->result_assumed);
      cJSON_AddBoolToObject (o, "live", r->enabled && r->replay_only_field == NULL);
      if (r->replay_only_field)
        cJSON_AddStringToObject (o, "replay_only_field", r->replay_only_field);
      cJSON_AddStringToObject (o, "desc", r->desc);
      cJSON_AddItemToArray (arr, o);
    }
  char *s = cJSON_PrintUnformatted (arr);
  puts (s);
  free (s);
  cJSON_Delete (arr);
}

static void
list_fields (bool json)
{
  size_t n;
  const struct field_def *f = fields_all (&n);

  if (json)
    {
      cJSON *arr = cJSON_CreateArray ();
      for (size_t i = 0; i < n; i++)
        {
          cJSON *o = cJSON_CreateObject ();
          cJSON_AddStringToObject (o, "name", f[i].name);
          cJSON_AddStringToObject (o, "type", field_type_name (f[i].type));
          cJSON_AddStringToObject (o, "availability", field_avail_name (f[i].avail));
          cJSON_AddStringToObject (o, "desc", f[i].desc);
          cJSON_AddItemToArray (arr, o);
        }
      char *s = cJSON_PrintUnformatted (arr);
      puts (s);
      free (s);
      cJSON_Delete (arr);
      return;
    }
  printf ("%-34s  %-8s  %-11s  %s\n", "FIELD", "TYPE", "AVAILABLE", "DESCRIPTION");
  for (size_t i = 0; i < n; i++)
    {
      const char *arg = "";
      switch (f[i].argmode)
        {
        case FARG_INDEX:
        case FARG_INDEX_REQ:
          arg = "[N]";
          break;
        case FARG_KEY:
        case FARG_KEY_REQ:
          arg = "[KEY]";
          break;
        case FARG_ARG:
          arg = ".NAME";
          break;
        default:
          break;
        }
      char name[128];
      snprintf (name, sizeof name, "%s%s", f[i].name, arg);
      printf ("%-34s  %-8s  %-11s  %s\n", name, field_type_name (f[i].type), field_avail_name (f[i].avail),
              f[i].desc);
    }
}

static int
on_fields (int val, const char *arg, void *ctx)
{
  (void) val;
  (void) arg;
  *(bool *) ctx = true;
  return 0;
}

int
cmd_list (int argc, char **argv)
{
  struct engine_args args;
  struct engine e;
  bool fields = false;
  static const struct option extra[] = { { "fields", no_argument, NULL, 256 }, { NULL, 0, NULL, 0 } };
  int first = cli_parse_engine_args (argc, argv, &args, usage, extra, on_fields, &fields);
  int ret = EXIT_SUCCESS;

  if (first < 0)
    return first == -2 ? 0 : EXIT_USAGE;
  if (first < argc)
    {
      fprintf (stderr, "vigil list: unexpected argument '%s'\n%s", argv[first], usage);
      ret = EXIT_USAGE;
    }
  else if (engine_load (&e, &args) < 0)
    {
      cli_print_diag (&e);
      engine_free (&e);
      ret = EXIT_FAILURE;
    }
  else
    {
      if (fields)
        list_fields (e.cfg.json_output);
      else if (e.cfg.json_output)
        list_rules_json (e.rs);
      else
        list_rules_text (e.rs);
      engine_free (&e);
    }
  free (args.rules);
  free (args.opts);
  return ret;
}
