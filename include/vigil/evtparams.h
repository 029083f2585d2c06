/* vigil: which parameters each event type has in Falco (evt.arg.NAME,
 * evt.arg[N]), to tell a rule that asks for one no event it can match
 * has. */
#ifndef VIGIL_EVTPARAMS_H
#define VIGIL_EVTPARAMS_H

/** Whether events of type id have a parameter `name`: 1 or 0, or -1 when
 *  vigil does not know the type's parameters. */
int evtparam_has (int type, const char *name);

/** How many parameters events of type id have at most, or -1 when
 *  unknown. */
int evtparam_count (int type);

#endif
