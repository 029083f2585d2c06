/* vigil: configuration from a falco.yaml-style file and -o overrides.
 *
 * Which keys warn.  A user who points vigil at the falco.yaml they already
 * have wants it to load as it is, and wants to hear about their typos.
 * So the keys are in three groups:
 *   - keys vigil uses (Falco's where they mean the same, and vigil's own
 *     mode, hostname, reopen_signal): checked, a wrong type is an error;
 *   - Falco's keys that vigil does not use (engine, plugins, webserver,
 *     metrics...): accepted silently, their values not looked at.  A
 *     warning for each would bury the one that matters under twenty that
 *     say "vigil is not Falco", on every start;
 *   - anything else: a warning at file:line:col, since it is most likely
 *     a misspelt key whose setting is not applied.
 * Inside the sections vigil reads (file_output, http_output...), Falco's
 * sub-keys that vigil ignores are likewise silent and others warn.
 * On the command line (-o), where nothing is inherited from a file, an
 * unknown key is an error and a Falco key that vigil ignores warns. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vigil/config.h"
#include "vigil/error.h"
#include "vigil/output.h"
#include "vigil/yamltree.h"

/* A config file larger than this is surely not one (falco.yaml is ~60 KiB). */
#define CONFIG_MAX_SIZE (16u << 20)

enum ckind {
  CK_BOOL,
  CK_STRING,
  CK_PRIORITY,
  CK_RULES_FILES,
  CK_RULE_MATCHING,
  CK_LOG_LEVEL,
  CK_MODE,
  CK_SIGNAL,
  CK_SECTION, /* a mapping read through `sub` */
  CK_FALCO,   /* Falco's, unused by vigil */
};

struct ckey {
  const char *name;
  enum ckind kind;
  size_t off; /* in struct vigil_config */
  const struct ckey *sub;
};

#define OFF(m) offsetof (struct vigil_config, m)

static const struct ckey stdout_keys[] = {
  { "enabled", CK_BOOL, OFF (stdout_output), NULL },
  { NULL, 0, 0, NULL },
};

static const struct ckey syslog_keys[] = {
  { "enabled", CK_BOOL, OFF (syslog_output), NULL },
  { NULL, 0, 0, NULL },
};

static const struct ckey file_keys[] = {
  { "enabled", CK_BOOL, OFF (file_output.enabled), NULL },
  { "filename", CK_STRING, OFF (file_output.filename), NULL },
  { "keep_alive", CK_BOOL, OFF (file_output.keep_alive), NULL },
  { NULL, 0, 0, NULL },
};

static const struct ckey program_keys[] = {
  { "enabled", CK_BOOL, OFF (program_output.enabled), NULL },
  { "program", CK_STRING, OFF (program_output.program), NULL },
  { "keep_alive", CK_BOOL, OFF (program_output.keep_alive), NULL },
  { NULL, 0, 0, NULL },
};

static const struct ckey http_keys[] = {
  { "enabled", CK_BOOL, OFF (http_output.enabled), NULL },
  { "url", CK_STRING, OFF (http_output.url), NULL },
  { "user_agent", CK_FALCO, 0, NULL },
  { "insecure", CK_FALCO, 0, NULL },
  { "ca_cert", CK_FALCO, 0, NULL },
  { "ca_bundle", CK_FALCO, 0, NULL },
  { "ca_path", CK_FALCO, 0, NULL },
  { "mtls", CK_FALCO, 0, NULL },
  { "client_cert", CK_FALCO, 0, NULL },
  { "client_key", CK_FALCO, 0, NULL },
  { "echo", CK_FALCO, 0, NULL },
  { "compress_uploads", CK_FALCO, 0, NULL },
  { "keep_alive", CK_FALCO, 0, NULL },
  { "max_consecutive_timeouts", CK_FALCO, 0, NULL },
  { NULL, 0, 0, NULL },
};

static const struct ckey top_keys[] = {
  /* read by vigil */
  { "rules_files", CK_RULES_FILES, 0, NULL },
  { "rules_file", CK_RULES_FILES, 0, NULL }, /* before Falco 0.38 */
  { "priority", CK_PRIORITY, OFF (priority), NULL },
  { "json_output", CK_BOOL, OFF (json_output), NULL },
  { "json_include_output_property", CK_BOOL, OFF (json_include_output_property), NULL },
  { "json_include_tags_property", CK_BOOL, OFF (json_include_tags_property), NULL },
  { "json_include_message_property", CK_BOOL, OFF (json_include_message_property), NULL },
  { "json_include_output_fields_property", CK_BOOL, OFF (json_include_output_fields_property), NULL },
  { "time_format_iso_8601", CK_BOOL, OFF (time_format_iso_8601), NULL },
  { "stdout_output", CK_SECTION, 0, stdout_keys },
  { "syslog_output", CK_SECTION, 0, syslog_keys },
  { "file_output", CK_SECTION, 0, file_keys },
  { "program_output", CK_SECTION, 0, program_keys },
  { "http_output", CK_SECTION, 0, http_keys },
  { "rule_matching", CK_RULE_MATCHING, OFF (rule_matching), NULL },
  { "log_level", CK_LOG_LEVEL, OFF (log_level), NULL },
  /* vigil's own */
  { "mode", CK_MODE, OFF (mode), NULL },
  { "hostname", CK_STRING, OFF (hostname), NULL },
  { "reopen_signal", CK_SIGNAL, OFF (reopen_signal), NULL },
  /* Falco's, current and past, that vigil does not use */
  { "config_files", CK_FALCO, 0, NULL },
  { "watch_config_files", CK_FALCO, 0, NULL },
  { "rules", CK_FALCO, 0, NULL },
  { "engine", CK_FALCO, 0, NULL },
  { "capture", CK_FALCO, 0, NULL },
  { "load_plugins", CK_FALCO, 0, NULL },
  { "plugins", CK_FALCO, 0, NULL },
  { "plugins_hostinfo", CK_FALCO, 0, NULL },
  { "buffer_format_base64", CK_FALCO, 0, NULL },
  { "buffered_outputs", CK_FALCO, 0, NULL },
  { "outputs_queue", CK_FALCO, 0, NULL },
  { "outputs", CK_FALCO, 0, NULL },
  { "append_output", CK_FALCO, 0, NULL },
  { "static_fields", CK_FALCO, 0, NULL },
  { "grpc", CK_FALCO, 0, NULL },
  { "grpc_output", CK_FALCO, 0, NULL },
  { "webserver", CK_FALCO, 0, NULL },
  { "log_stderr", CK_FALCO, 0, NULL },
  { "log_syslog", CK_FALCO, 0, NULL },
  { "libs_logger", CK_FALCO, 0, NULL },
  { "output_timeout", CK_FALCO, 0, NULL },
  { "syscall_event_timeouts", CK_FALCO, 0, NULL },
  { "syscall_event_drops", CK_FALCO, 0, NULL },
  { "metrics", CK_FALCO, 0, NULL },
  { "base_syscalls", CK_FALCO, 0, NULL },
  { "falco_libs", CK_FALCO, 0, NULL },
  { "container_engines", CK_FALCO, 0, NULL },
  { "modern_bpf", CK_FALCO, 0, NULL },
  { "syscall_buf_size_preset", CK_FALCO, 0, NULL },
  { "syscall_drop_failed_exit", CK_FALCO, 0, NULL },
  { "metadata_download", CK_FALCO, 0, NULL },
  { "k8s_audit_endpoint", CK_FALCO, 0, NULL },
  { "stats_interval", CK_FALCO, 0, NULL },
  { NULL, 0, 0, NULL },
};

struct cfg_ctx {
  struct vigil_config *c;
  struct diag_list *d;
  struct ydoc *y;          /* NULL for -o */
  struct diag_loc opt_loc; /* where -o values are reported */
};

static const struct ckey *
find_key (const struct ckey *table, const char *name, size_t len)
{
  for (const struct ckey *k = table; k->name; k++)
    if (strlen (k->name) == len && memcmp (k->name, name, len) == 0)
      return k;
  return NULL;
}

static struct diag_loc
node_loc (struct cfg_ctx *x, yaml_node_t *n)
{
  return x->y ? ynode_loc (x->y, n) : x->opt_loc;
}

/* "json_output: expected a boolean, found 'maybe'". */
static void
type_error (struct cfg_ctx *x, const char *path, yaml_node_t *v, const char *expected)
{
  const char *s = ynode_str (v);

  if (s && *s)
    diag_error (x->d, node_loc (x, v), "%s: expected %s, found '%s'", path, expected, s);
  else if (s)
    diag_error (x->d, node_loc (x, v), "%s: expected %s, found an empty value", path, expected);
  else
    diag_error (x->d, node_loc (x, v), "%s: expected %s, found %s", path, expected, ynode_kind_name (v));
}

static void *
field_at (struct cfg_ctx *x, const struct ckey *k)
{
  return (char *) x->c + k->off;
}

static void
replace_string (char **dst, const char *s)
{
  free (*dst);
  *dst = xstrdup (s);
}

static void
add_rules_file (struct cfg_ctx *x, const char *path, yaml_node_t *v)
{
  struct vigil_config *c = x->c;

  if (v == NULL || ynode_str (v) == NULL || *ynode_str (v) == '\0')
    {
      type_error (x, path, v, "a rules file or directory path");
      return;
    }
  c->rules_files = xrealloc (c->rules_files, (c->nrules_files + 1) * sizeof *c->rules_files);
  c->rules_files[c->nrules_files++] = xstrdup (ynode_str (v));
}

static void
clear_rules_files (struct vigil_config *c)
{
  for (size_t i = 0; i < c->nrules_files; i++)
    free (c->rules_files[i]);
  free (c->rules_files);
  c->rules_files = NULL;
  c->nrules_files = 0;
}

/* A list in a file replaces the list; a single path is a list of one. */
static void
set_rules_files (struct cfg_ctx *x, const char *path, yaml_node_t *v, bool append)
{
  if (!append)
    clear_rules_files (x->c);
  if (v->type == YAML_SEQUENCE_NODE)
    {
      for (size_t i = 0, n = ynode_count (v); i < n; i++)
        add_rules_file (x, path, yseq_item (x->y, v, i));
      return;
    }
  if (v->type == YAML_SCALAR_NODE && *ynode_str (v) == '\0' && x->y && !append)
    return; /* `rules_files:` with nothing: no files */
  add_rules_file (x, path, v);
}

static const char *const log_levels[] = { "emergency", "alert", "critical", "error",
                                          "warning",   "notice", "info",    "debug" };

static int
parse_word (const char *s, const char *const *words, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (s, words[i]) == 0)
      return (int) i;
  return -1;
}

static void section_apply (struct cfg_ctx *x, const struct ckey *k, const char *path, yaml_node_t *v);

/* Set key k (spelt `path` in messages) from v. */
static void
set_value (struct cfg_ctx *x, const struct ckey *k, const char *path, yaml_node_t *v, bool append)
{
  static const char *const matchings[] = { "first", "all" };
  static const char *const modes[] = { "enforce", "monitor" };
  const char *s = ynode_str (v);
  bool b;
  int i;

  switch (k->kind)
    {
    case CK_FALCO:
      return;
    case CK_SECTION:
      section_apply (x, k, path, v);
      return;
    case CK_RULES_FILES:
      set_rules_files (x, path, v, append);
      return;
    case CK_BOOL:
      if (ynode_bool (v, &b) < 0)
        type_error (x, path, v, "a boolean");
      else
        *(bool *) field_at (x, k) = b;
      return;
    case CK_STRING:
      if (s == NULL)
        type_error (x, path, v, "a string");
      else
        replace_string (field_at (x, k), s);
      return;
    case CK_PRIORITY:
      if (s == NULL || priority_parse (s, field_at (x, k)) < 0)
        type_error (x, path, v, "a priority (emergency, alert, critical, error, warning, notice, info, debug)");
      return;
    case CK_RULE_MATCHING:
      if (s == NULL || (i = parse_word (s, matchings, ARRAY_SIZE (matchings))) < 0)
        type_error (x, path, v, "'first' or 'all'");
      else
        *(enum rule_matching *) field_at (x, k) = i == 0 ? RULE_MATCHING_FIRST : RULE_MATCHING_ALL;
      return;
    case CK_MODE:
      if (s == NULL || (i = parse_word (s, modes, ARRAY_SIZE (modes))) < 0)
        type_error (x, path, v, "'enforce' or 'monitor'");
      else
        *(enum vigil_mode *) field_at (x, k) = i == 0 ? MODE_ENFORCE : MODE_MONITOR;
      return;
    case CK_LOG_LEVEL:
      if (s == NULL || parse_word (s, log_levels, ARRAY_SIZE (log_levels)) < 0)
        type_error (x, path, v, "a log level (emergency, alert, critical, error, warning, notice, info, debug)");
      else
        replace_string (field_at (x, k), s);
      return;
    case CK_SIGNAL:
      if (s == NULL || config_parse_signal (s, field_at (x, k)) < 0)
        type_error (x, path, v, "a catchable signal such as SIGHUP, SIGRTMAX or a number");
      return;
    }
}

/* A section in a file: a mapping of sub-keys. */
static void
section_apply (struct cfg_ctx *x, const struct ckey *k, const char *path, yaml_node_t *v)
{
  if (v->type != YAML_MAPPING_NODE || x->y == NULL)
    {
      if (x->y == NULL)
        diag_error (x->d, x->opt_loc, "%s: set its keys one by one, e.g. -o %s.enabled=true", path, path);
      else if (!(v->type == YAML_SCALAR_NODE && *ynode_str (v) == '\0'))
        type_error (x, path, v, "a mapping");
      return;
    }
  for (size_t i = 0, n = ynode_count (v); i < n; i++)
    {
      yaml_node_t *kn, *vn;
      ymap_pair (x->y, v, i, &kn, &vn);
      const char *name = ynode_str (kn);
      const struct ckey *sub = name ? find_key (k->sub, name, strlen (name)) : NULL;
      cleanup_free char *sub_path = NULL;

      if (asprintf (&sub_path, "%s.%s", path, name ? name : "?") < 0)
        sub_path = NULL;
      if (sub == NULL)
        {
          diag_warn (x->d, ynode_loc (x->y, kn), "unknown key '%s' (neither a vigil nor a Falco setting); ignored",
                     sub_path ? sub_path : path);
          continue;
        }
      set_value (x, sub, sub_path ? sub_path : path, vn, false);
    }
}

void
config_init (struct vigil_config *c)
{
  memset (c, 0, sizeof *c);
  c->priority = PRIO_DEBUG;
  c->json_output = false;
  c->json_include_output_property = true;
  c->json_include_tags_property = true;
  c->json_include_message_property = false;
  c->json_include_output_fields_property = true;
  c->time_format_iso_8601 = false;
  c->stdout_output = true;
  c->syslog_output = false;
  c->rule_matching = RULE_MATCHING_FIRST;
  c->log_level = xstrdup ("info");
  c->mode = MODE_ENFORCE;
  c->reopen_signal = SIGRTMAX;
}

int
config_load_buffer (struct vigil_config *c, const char *name, const char *buf, size_t len, struct diag_list *d)
{
  size_t errors = d->nerrors;
  const char *file = diag_intern (d, name);
  struct ydoc y;
  struct cfg_ctx x = { .c = c, .d = d, .y = &y };
  yaml_node_t *root;

  if (ydoc_load (&y, file, buf, len, d) < 0)
    return -1;
  root = ydoc_root (&y);
  if (root && root->type != YAML_MAPPING_NODE)
    diag_error (d, ynode_loc (&y, root), "expected a mapping of settings, found %s", ynode_kind_name (root));
  else if (root)
    {
      /* Falco reads the legacy rules_file only when rules_files is absent. */
      bool has_rules_files = ymap_get (&y, root, "rules_files", NULL) != NULL;
      for (size_t i = 0, n = ynode_count (root); i < n; i++)
        {
          yaml_node_t *kn, *vn;
          ymap_pair (&y, root, i, &kn, &vn);
          const char *key = ynode_str (kn);
          const struct ckey *k = key ? find_key (top_keys, key, strlen (key)) : NULL;
          if (key == NULL)
            diag_error (d, ynode_loc (&y, kn), "expected a setting name, found %s", ynode_kind_name (kn));
          else if (k == NULL)
            diag_warn (d, ynode_loc (&y, kn), "unknown key '%s' (neither a vigil nor a Falco setting); ignored",
                       key);
          else if (!(strcmp (key, "rules_file") == 0 && has_rules_files))
            set_value (&x, k, key, vn, false);
        }
    }
  ydoc_free (&y);
  return d->nerrors > errors ? -1 : 0;
}

int
config_load_file (struct vigil_config *c, const char *path, struct diag_list *d)
{
  cleanup_fclose FILE *f = fopen (path, "re");
  cleanup_free char *buf = NULL;
  size_t len = 0, cap = 0;
  struct diag_loc loc = { .file = diag_intern (d, path) };

  if (f == NULL)
    {
      diag_error (d, loc, "cannot open the configuration file: %s", strerror (errno));
      return -1;
    }
  for (;;)
    {
      xgrow (&buf, &cap, len + 4096, 1);
      size_t got = fread (buf + len, 1, cap - len - 1, f);
      len += got;
      if (got == 0)
        break;
      if (len > CONFIG_MAX_SIZE)
        {
          diag_error (d, loc, "the configuration file is larger than %u bytes", CONFIG_MAX_SIZE);
          return -1;
        }
    }
  if (ferror (f))
    {
      diag_error (d, loc, "cannot read the configuration file: %s", strerror (errno));
      return -1;
    }
  buf[len] = '\0';
  return config_load_buffer (c, path, buf, len, d);
}

int
config_set_option (struct vigil_config *c, const char *kv, struct diag_list *d)
{
  size_t errors = d->nerrors;
  struct cfg_ctx x = { .c = c, .d = d, .opt_loc = { .file = diag_intern (d, "-o") } };
  const char *eq = strchr (kv, '=');
  const char *dot;
  const struct ckey *k;
  cleanup_free char *path = NULL;
  bool append = false;
  yaml_node_t v;

  if (eq == NULL || eq == kv)
    {
      diag_error (d, x.opt_loc, "expected KEY=VALUE, found '%s'", kv);
      return -1;
    }
  path = xstrndup (kv, eq - kv);
  if (strlen (path) > 2 && strcmp (path + strlen (path) - 2, "[]") == 0)
    {
      path[strlen (path) - 2] = '\0';
      append = true;
    }
  dot = strchr (path, '.');
  k = find_key (top_keys, path, dot ? (size_t) (dot - path) : strlen (path));
  if (k && dot)
    k = k->kind == CK_SECTION ? find_key (k->sub, dot + 1, strlen (dot + 1))
        : k->kind == CK_FALCO ? k
                              : NULL;
  if (k == NULL)
    {
      diag_error (d, x.opt_loc, "unknown key '%s'", path);
      return -1;
    }
  if (k->kind == CK_FALCO)
    {
      diag_warn (d, x.opt_loc, "'%s' is a Falco setting that vigil does not use; ignored", path);
      return 0;
    }
  if (append && k->kind != CK_RULES_FILES)
    {
      diag_error (d, x.opt_loc, "%s: '[]' appends to a list, and this key is no list", path);
      return -1;
    }
  /* The value as a plain scalar, so the file's checks apply unchanged;
   * it is not parsed as YAML ("jq '{text: .output}'" is a program). */
  memset (&v, 0, sizeof v);
  v.type = YAML_SCALAR_NODE;
  v.data.scalar.value = (yaml_char_t *) (eq + 1);
  v.data.scalar.length = strlen (eq + 1);
  set_value (&x, k, path, &v, k->kind == CK_RULES_FILES);
  return d->nerrors > errors ? -1 : 0;
}

void
config_alert_style (const struct vigil_config *c, struct alert_style *out)
{
  memset (out, 0, sizeof *out);
  out->iso8601 = c->time_format_iso_8601;
  out->json_include_output = c->json_include_output_property;
  out->json_include_tags = c->json_include_tags_property;
  out->json_include_message = c->json_include_message_property;
  out->json_omit_output_fields = !c->json_include_output_fields_property;
}

/* ---- signals ---- */

static const struct {
  const char *name;
  int sig;
} signal_names[] = {
  { "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "USR1", SIGUSR1 },
  { "USR2", SIGUSR2 },   { "ALRM", SIGALRM },     { "TERM", SIGTERM },   { "CHLD", SIGCHLD },
  { "CONT", SIGCONT },   { "WINCH", SIGWINCH },   { "URG", SIGURG },     { "IO", SIGIO },
  { "POLL", SIGPOLL },   { "PWR", SIGPWR },       { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },
  { "TTOU", SIGTTOU },   { "PIPE", SIGPIPE },     { "PROF", SIGPROF },   { "VTALRM", SIGVTALRM },
  { "XCPU", SIGXCPU },   { "XFSZ", SIGXFSZ },     { "SYS", SIGSYS },
};

/* "RTMIN", "RTMIN+3", "RTMAX-1". */
static int
parse_rt_signal (const char *s, int *out)
{
  bool min = strncasecmp (s, "RTMIN", 5) == 0;
  char *end;
  long off = 0;

  if (!min && strncasecmp (s, "RTMAX", 5) != 0)
    return -1;
  s += 5;
  if (*s)
    {
      if ((min && *s != '+') || (!min && *s != '-') || !isdigit ((unsigned char) s[1]))
        return -1;
      errno = 0;
      off = strtol (s + 1, &end, 10);
      if (errno || *end || off > SIGRTMAX - SIGRTMIN)
        return -1;
    }
  *out = min ? SIGRTMIN + (int) off : SIGRTMAX - (int) off;
  return 0;
}

int
config_parse_signal (const char *s, int *out)
{
  char *end;

  if (isdigit ((unsigned char) *s))
    {
      errno = 0;
      long n = strtol (s, &end, 10);
      if (errno || *end || n < 1 || n > SIGRTMAX || n == SIGKILL || n == SIGSTOP)
        return -1;
      *out = (int) n;
      return 0;
    }
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  if (parse_rt_signal (s, out) == 0)
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE (signal_names); i++)
    if (strcasecmp (s, signal_names[i].name) == 0)
      {
        *out = signal_names[i].sig;
        return 0;
      }
  return -1;
}

void
config_free (struct vigil_config *c)
{
  clear_rules_files (c);
  free (c->file_output.filename);
  free (c->program_output.program);
  free (c->http_output.url);
  free (c->log_level);
  free (c->hostname);
  memset (c, 0, sizeof *c);
}
