/* vigil: configuration, with falco.yaml's keys where they mean the same
 * thing, from a YAML file (-c) and dotted -o key=value overrides.
 *
 * A falco.yaml loads as is: Falco's keys that vigil does not use are
 * accepted silently; only keys that neither vigil nor Falco knows warn. */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/diag.h"
#include "vigil/ruleset_defs.h"

enum rule_matching { RULE_MATCHING_FIRST, RULE_MATCHING_ALL };
enum vigil_mode { MODE_ENFORCE, MODE_MONITOR };

struct vigil_config {
  char **rules_files;
  size_t nrules_files;
  enum priority priority;        /* minimum priority loaded; default debug */
  bool json_output;              /* default false */
  bool json_include_output_property; /* default true */
  bool json_include_tags_property;   /* default true */
  bool json_include_message_property;       /* default false, as Falco */
  bool json_include_output_fields_property; /* default true, as Falco */
  bool time_format_iso_8601;     /* default false */
  bool stdout_output;            /* stdout_output.enabled, default true */
  struct {
    bool enabled;
    char *filename;
    bool keep_alive;
  } file_output;
  bool syslog_output;            /* syslog_output.enabled, default false */
  struct {
    bool enabled;
    char *program;
    bool keep_alive;
  } program_output;
  struct {
    bool enabled;
    char *url;
  } http_output;
  enum rule_matching rule_matching; /* default first, as Falco */
  char *log_level;               /* default "info" */
  enum vigil_mode mode;          /* vigil's own: enforce | monitor; default enforce */
  char *hostname;                /* vigil's own: overrides gethostname() in alerts */
  int reopen_signal;             /* vigil's own: default SIGRTMAX; "SIGHUP", "HUP",
                                    "SIGRTMAX-1", "SIGRTMIN+2" or a number */
};

struct alert_style; /* output.h */

/** Defaults as described above. */
void config_init (struct vigil_config *c);

/** Apply a falco.yaml-style file.  Unknown keys warn; a value of the wrong
 *  type is an error at its file:line:col ("json_output: expected a
 *  boolean, found 'maybe'").  rules_files (or the legacy rules_file) in a
 *  file replaces the list.  Returns -1 on error. */
int config_load_file (struct vigil_config *c, const char *path, struct diag_list *d);
int config_load_buffer (struct vigil_config *c, const char *name, const char *buf, size_t len,
                        struct diag_list *d);

/** Apply one -o KEY=VALUE (dotted keys: file_output.enabled=true;
 *  rules_files=PATH, also spelled rules_files[]=PATH, appends and may be
 *  given several times).  VALUE is taken as plain text, checked by the
 *  same rules as in a file.  Errors name the option ("-o: ...") and are
 *  added to d; a Falco key that vigil does not use only warns.  Returns -1
 *  on error. */
int config_set_option (struct vigil_config *c, const char *kv, struct diag_list *d);

/** The alert rendering settings (output.h) that the configuration selects. */
void config_alert_style (const struct vigil_config *c, struct alert_style *out);

/** Parse a signal as reopen_signal accepts it; -1 if it is no catchable signal. */
int config_parse_signal (const char *s, int *out);

void config_free (struct vigil_config *c);

#endif
