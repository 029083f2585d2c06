/* vigil: configuration, with falco.yaml's keys where they mean the same
 * thing, from a YAML file (-c) and dotted -o key=value overrides. */
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
  enum vigil_mode mode;          /* vigil's own: enforce | monitor */
  char *hostname;                /* vigil's own: overrides gethostname() in alerts */
  int reopen_signal;             /* vigil's own: default SIGRTMAX */
};

/** Defaults as described above. */
void config_init (struct vigil_config *c);

/** Apply a falco.yaml-style file.  Unknown keys warn; a value of the wrong
 *  type is an error at its file:line:col.  Returns -1 on error. */
int config_load_file (struct vigil_config *c, const char *path, struct diag_list *d);
int config_load_buffer (struct vigil_config *c, const char *name, const char *buf, size_t len,
                        struct diag_list *d);

/** Apply one -o KEY=VALUE (dotted keys: file_output.enabled=true;
 *  rules_files may be given several times and appends).  Errors name the
 *  option ("-o: ..."). */
int config_set_option (struct vigil_config *c, const char *kv, struct diag_list *d);

void config_free (struct vigil_config *c);

#endif
