/* vigil: names of rule priorities and actions. */
#include <strings.h>

#include "vigil/error.h"
#include "vigil/ruleset_defs.h"

/* Indexed by enum priority; spelled as Falco prints them. */
static const char *const priority_names[] = {
  [PRIO_EMERGENCY] = "Emergency",   [PRIO_ALERT] = "Alert",   [PRIO_CRITICAL] = "Critical",
  [PRIO_ERROR] = "Error",           [PRIO_WARNING] = "Warning", [PRIO_NOTICE] = "Notice",
  [PRIO_INFORMATIONAL] = "Informational", [PRIO_DEBUG] = "Debug",
};

static const char *const action_names[] = {
  [ACTION_LOG] = "log",
  [ACTION_DENY] = "deny",
  [ACTION_KILL] = "kill",
};

int
priority_parse (const char *s, enum priority *out)
{
  if (s == NULL)
    return -1;
  for (size_t i = 0; i < ARRAY_SIZE (priority_names); i++)
    if (strcasecmp (s, priority_names[i]) == 0)
      {
        *out = (enum priority) i;
        return 0;
      }
  /* Falco has long accepted "Info" for Informational. */
  if (strcasecmp (s, "info") == 0)
    {
      *out = PRIO_INFORMATIONAL;
      return 0;
    }
  return -1;
}

const char *
priority_name (enum priority p)
{
  if ((size_t) p >= ARRAY_SIZE (priority_names))
    return "Unknown";
  return priority_names[p];
}

int
action_parse (const char *s, enum action *out)
{
  if (s == NULL)
    return -1;
  for (size_t i = 0; i < ARRAY_SIZE (action_names); i++)
    if (strcasecmp (s, action_names[i]) == 0)
      {
        *out = (enum action) i;
        return 0;
      }
  return -1;
}

const char *
action_name (enum action a)
{
  if ((size_t) a >= ARRAY_SIZE (action_names))
    return "unknown";
  return action_names[a];
}
