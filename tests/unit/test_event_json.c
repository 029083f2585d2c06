/* Unit tests: event types, argument constants and replay events. */
#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "vigil/error.h"
#include "vigil/event.h"
#include "vigil/evttypes.h"
#include "vigil/fields.h"

/* ---- event types ---- */

START_TEST (test_evttype_lookup)
{
  static const char *const known[] = { "open", "openat", "openat2", "execve", "execveat", "connect", "accept4",
                                       "ptrace", "unshare", "setns", "memfd_create", "_llseek", "llseek",
                                       "prlimit", "syscall", "procexit", "container", "asyncevent",
                                       "switch", "signaldeliver", "pluginevent", "mseal", "io_uring_setup" };
  for (size_t i = 0; i < ARRAY_SIZE (known); i++)
    {
      int id = evttype_lookup (known[i]);
      ck_assert_msg (id >= 0, "%s unknown", known[i]);
      ck_assert_str_eq (evttype_name (id), known[i]);
    }
  ck_assert_int_eq (evttype_lookup ("nosuchcall"), -1);
  ck_assert_int_eq (evttype_lookup (""), -1);
  ck_assert_int_eq (evttype_lookup ("OPEN"), -1);
  ck_assert_int_eq (evttype_lookup ("open "), -1);
  ck_assert_int_eq (evttype_lookup ("NA"), -1);
  ck_assert_int_eq (evttype_lookup (NULL), -1);
  ck_assert_ptr_null (evttype_name (-1));
  ck_assert_ptr_null (evttype_name ((int) evttype_count ()));
  ck_assert_ptr_null (evttype_name (EVTTYPE_MAX));
}
END_TEST

START_TEST (test_evttype_table)
{
  size_t n = evttype_count ();

  ck_assert_uint_gt (n, 400);
  ck_assert_uint_le (n, EVTTYPE_MAX);
  for (size_t i = 0; i < n; i++)
    {
      const char *name = evttype_name ((int) i);
      ck_assert_ptr_nonnull (name);
      /* Sorted and unique (bsearch relies on it); every id round-trips. */
      if (i > 0)
        ck_assert_msg (strcmp (evttype_name ((int) i - 1), name) < 0, "%s out of order", name);
      ck_assert_int_eq (evttype_lookup (name), (int) i);
    }
}
END_TEST

START_TEST (test_evttype_is_syscall)
{
  static const char *const sys[] = { "open", "openat", "execve", "clone3", "socket", "connect", "syscall" };
  static const char *const other[] = { "procexit", "container", "switch", "signaldeliver", "asyncevent",
                                       "pluginevent", "page_fault", "drop", "sched_process_exit" };
  for (size_t i = 0; i < ARRAY_SIZE (sys); i++)
    ck_assert_msg (evttype_is_syscall (evttype_lookup (sys[i])), "%s", sys[i]);
  for (size_t i = 0; i < ARRAY_SIZE (other); i++)
    ck_assert_msg (!evttype_is_syscall (evttype_lookup (other[i])), "%s", other[i]);
  ck_assert (!evttype_is_syscall (-1));
  ck_assert (!evttype_is_syscall ((int) evttype_count ()));
}
END_TEST

START_TEST (test_evttype_sets)
{
  struct evttype_set a = { 0 }, b = { 0 }, full;
  int open = evttype_lookup ("open"), openat = evttype_lookup ("openat"), exec = evttype_lookup ("execve");
  size_t n = evttype_count ();

  ck_assert_uint_eq (evttype_set_count (&a), 0);
  ck_assert (!evttype_set_is_full (&a));
  evttype_set_add (&a, open);
  evttype_set_add (&a, openat);
  evttype_set_add (&a, openat);
  ck_assert_uint_eq (evttype_set_count (&a), 2);
  ck_assert (evttype_set_has (&a, open));
  ck_assert (!evttype_set_has (&a, exec));

  evttype_set_add (&b, openat);
  evttype_set_add (&b, exec);
  struct evttype_set u = a;
  evttype_set_union (&u, &b);
  ck_assert_uint_eq (evttype_set_count (&u), 3);
  struct evttype_set x = a;
  evttype_set_intersect (&x, &b);
  ck_assert_uint_eq (evttype_set_count (&x), 1);
  ck_assert (evttype_set_has (&x, openat));

  evttype_set_fill (&full);
  ck_assert_uint_eq (evttype_set_count (&full), n);
  ck_assert (evttype_set_is_full (&full));
  ck_assert (evttype_set_has (&full, (int) n - 1));
  ck_assert (!evttype_set_has (&full, (int) n)); /* no bits past the known types */

  struct evttype_set c = a;
  evttype_set_complement (&c);
  ck_assert_uint_eq (evttype_set_count (&c), n - 2);
  ck_assert (!evttype_set_has (&c, open));
  ck_assert (evttype_set_has (&c, exec));
  ck_assert (!evttype_set_has (&c, (int) n));
  evttype_set_union (&c, &a);
  ck_assert (evttype_set_is_full (&c));
  evttype_set_complement (&c);
  ck_assert_uint_eq (evttype_set_count (&c), 0);

  struct evttype_set e = { 0 };
  evttype_set_complement (&e);
  ck_assert (evttype_set_is_full (&e));
}
END_TEST

/* ---- argument constants ---- */

static int64_t
argconst (const char *arg, const char *sym, bool expect_flag)
{
  int64_t v = -12345;
  bool is_flag = !expect_flag;

  ck_assert_msg (argconst_lookup (arg, sym, &v, &is_flag) == 0, "%s %s unknown", arg, sym);
  ck_assert_msg (is_flag == expect_flag, "%s %s: is_flag %d", arg, sym, is_flag);
  return v;
}

START_TEST (test_argconst_values)
{
  /* The header's examples. */
  ck_assert_int_eq (argconst ("domain", "AF_INET", false), 2);
  ck_assert_int_eq (argconst ("request", "PTRACE_ATTACH", false), 16);
  ck_assert_int_eq (argconst ("flags", "O_WRONLY", true), 1);
  ck_assert_int_eq (argconst ("flags", "O_CREAT", true), 0100);

  /* What the upstream rules test, against the system's own headers. */
  ck_assert_int_eq (argconst ("domain", "AF_PACKET", false), AF_PACKET);
  ck_assert_int_eq (argconst ("domain", "AF_INET6", false), AF_INET6);
  ck_assert_int_eq (argconst ("domain", "AF_UNIX", false), AF_UNIX);
  ck_assert_int_eq (argconst ("domain", "AF_NETLINK", false), AF_NETLINK);
  ck_assert_int_eq (argconst ("request", "PTRACE_POKETEXT", false), PTRACE_POKETEXT);
  ck_assert_int_eq (argconst ("request", "PTRACE_POKEDATA", false), PTRACE_POKEDATA);
  ck_assert_int_eq (argconst ("request", "PTRACE_SEIZE", false), PTRACE_SEIZE);
  ck_assert_int_eq (argconst ("request", "PTRACE_SETREGS", false), PTRACE_SETREGS);
  ck_assert_int_eq (argconst ("request", "PTRACE_TRACEME", false), PTRACE_TRACEME);
  ck_assert_int_eq (argconst ("request", "PTRACE_ARCH_PRCTL", false), PTRACE_ARCH_PRCTL);
  ck_assert_int_eq (argconst ("request", "PTRACE_GETSIGMASK", false), PTRACE_GETSIGMASK);
  ck_assert_int_eq (argconst ("flags", "O_RDONLY", true), O_RDONLY);
  ck_assert_int_eq (argconst ("flags", "O_RDWR", true), O_RDWR);
  ck_assert_int_eq (argconst ("flags", "O_TRUNC", true), O_TRUNC);
  ck_assert_int_eq (argconst ("flags", "O_APPEND", true), O_APPEND);
  ck_assert_int_eq (argconst ("flags", "O_EXCL", true), O_EXCL);
  ck_assert_int_eq (argconst ("flags", "O_NONBLOCK", true), O_NONBLOCK);
  ck_assert_int_eq (argconst ("flags", "O_DSYNC", true), O_DSYNC);
  ck_assert_int_eq (argconst ("flags", "O_SYNC", true), O_SYNC);
  ck_assert_int_eq (argconst ("flags", "O_DIRECT", true), O_DIRECT);
  ck_assert_int_eq (argconst ("flags", "O_DIRECTORY", true), O_DIRECTORY);
  ck_assert_int_eq (argconst ("flags", "O_CLOEXEC", true), O_CLOEXEC);
  ck_assert_int_eq (argconst ("flags", "O_TMPFILE", true), O_TMPFILE);
  ck_assert_int_eq (argconst ("flags", "O_LARGEFILE", true), 0100000); /* the kernel's, not glibc's 0 */
  ck_assert_int_eq (argconst ("flags", "CLONE_NEWNS", true), CLONE_NEWNS);
  ck_assert_int_eq (argconst ("flags", "CLONE_NEWUSER", true), CLONE_NEWUSER);
  ck_assert_int_eq (argconst ("flags", "CLONE_NEWPID", true), CLONE_NEWPID);
  ck_assert_int_eq (argconst ("flags", "CLONE_NEWNET", true), CLONE_NEWNET);
  ck_assert_int_eq (argconst ("flags", "CLONE_NEWCGROUP", true), CLONE_NEWCGROUP);
  ck_assert_int_eq (argconst ("flags", "CLONE_THREAD", true), CLONE_THREAD);
  ck_assert_int_eq (argconst ("flags", "CLONE_VM", true), CLONE_VM);
  ck_assert_int_eq (argconst ("flags", "CLONE_IO", true), (int64_t) (uint32_t) CLONE_IO);
  ck_assert_int_eq (argconst ("nstype", "CLONE_NEWNS", true), CLONE_NEWNS);
  ck_assert_int_eq (argconst ("prot", "PROT_EXEC", true), PROT_EXEC);
  ck_assert_int_eq (argconst ("prot", "PROT_WRITE", true), PROT_WRITE);
  ck_assert_int_eq (argconst ("prot", "PROT_GROWSDOWN", true), PROT_GROWSDOWN);
  ck_assert_int_eq (argconst ("prot", "PROT_NONE", true), 0);
  ck_assert_int_eq (argconst ("mode", "S_ISUID", true), S_ISUID);
  ck_assert_int_eq (argconst ("mode", "S_ISGID", true), S_ISGID);
  ck_assert_int_eq (argconst ("mode", "S_IXUSR", true), S_IXUSR);
  ck_assert_int_eq (argconst ("mode", "S_IXOTH", true), S_IXOTH);
  ck_assert_int_eq (argconst ("cmd", "F_DUPFD", false), F_DUPFD);
  ck_assert_int_eq (argconst ("cmd", "F_SETFL", false), F_SETFL);
  ck_assert_int_eq (argconst ("cmd", "F_DUPFD_CLOEXEC", false), F_DUPFD_CLOEXEC);
  ck_assert_int_eq (argconst ("cmd", "F_OFD_SETLKW", false), F_OFD_SETLKW);
  ck_assert_int_eq (argconst ("cmd", "F_SETPIPE_SZ", false), F_SETPIPE_SZ);
  ck_assert_int_eq (argconst ("cmd", "BPF_PROG_LOAD", false), BPF_PROG_LOAD);
  ck_assert_int_eq (argconst ("cmd", "BPF_MAP_CREATE", false), BPF_MAP_CREATE);
  ck_assert_int_eq (argconst ("cmd", "BPF_ITER_CREATE", false), BPF_ITER_CREATE);
}
END_TEST

START_TEST (test_argconst_misses)
{
  int64_t v = 77;
  bool f = true;

  ck_assert_int_eq (argconst_lookup ("domain", "AF_NOPE", &v, &f), -1);
  ck_assert_int_eq (argconst_lookup ("nosucharg", "AF_INET", &v, &f), -1);
  ck_assert_int_eq (argconst_lookup ("domain", "O_CREAT", &v, &f), -1); /* wrong argument */
  ck_assert_int_eq (argconst_lookup ("flags", "o_creat", &v, &f), -1);  /* case matters */
  ck_assert_int_eq (argconst_lookup (NULL, "AF_INET", &v, &f), -1);
  ck_assert_int_eq (argconst_lookup ("domain", NULL, &v, &f), -1);
  ck_assert_int_eq (v, 77); /* untouched on failure */
  ck_assert (f);
  /* Output pointers are optional. */
  ck_assert_int_eq (argconst_lookup ("domain", "AF_INET", NULL, NULL), 0);
}
END_TEST

/* ---- replay events ---- */

static struct replay_event *
parse_line (const char *line)
{
  char msg[256] = "";
  struct replay_event *re = replay_event_parse (line, strlen (line), "default-host", msg, sizeof msg);
  ck_assert_msg (re != NULL, "line refused: %s", msg);
  return re;
}

static void
parse_bad (const char *line, size_t len, const char *expect)
{
  char msg[256] = "";
  struct replay_event *re = replay_event_parse (line, len, "h", msg, sizeof msg);
  ck_assert_msg (re == NULL, "line accepted: %.60s", line);
  ck_assert_msg (strstr (msg, expect), "message '%s' lacks '%s'", msg, expect);
}

static enum value_state
extract (struct replay_event *re, const char *field, struct value *v, struct field_ref *keep)
{
  struct field_ref r;
  char msg[256] = "";

  ck_assert_msg (field_ref_parse (field, strlen (field), &r, msg, sizeof msg) == 0, "%s: %s", field, msg);
  struct event *ev = replay_event_base (re);
  memset (v, 0xa5, sizeof *v);
  enum value_state st = ev->ops->extract (ev, &r, v);
  if (keep)
    *keep = r;
  else
    field_ref_free (&r);
  return st;
}

static void
expect_str (struct replay_event *re, const char *field, const char *want)
{
  struct value v;
  enum value_state st = extract (re, field, &v, NULL);
  ck_assert_msg (st == VAL_PRESENT, "%s: state %d", field, st);
  ck_assert_msg (v.kind == VK_STR, "%s: kind %d", field, v.kind);
  ck_assert_msg (v.u.s.len == strlen (want) && memcmp (v.u.s.p, want, v.u.s.len) == 0, "%s: '%.*s' != '%s'",
                 field, (int) v.u.s.len, v.u.s.p, want);
}

static void
expect_state (struct replay_event *re, const char *field, enum value_state want)
{
  struct value v;
  enum value_state st = extract (re, field, &v, NULL);
  ck_assert_msg (st == want, "%s: state %d, expected %d", field, st, want);
}

static const char *const basic_line
    = "{\"evt.type\":\"openat\",\"evt.time\":1700000000123456789,\"proc.name\":\"cat\","
      "\"fd.name\":\"/etc/shadow\",\"proc.aname[2]\":\"bash\",\"evt.arg.flags\":\"O_RDONLY\","
      "\"user.uid\":0,\"fd.sip\":\"10.0.0.1\",\"fd.rip\":\"fe80::1\",\"evt.rawres\":-2,"
      "\"proc.pid\":\"4242\",\"fd.lport\":8080,\"evt.is_open_read\":true,\"evt.failed\":\"false\","
      "\"proc.cmdline\":null,\"evt.num\":18446744073709551615,\"proc.vpid\":-1234567890123456789}\n";

START_TEST (test_replay_basic)
{
  struct replay_event *re = parse_line (basic_line);
  struct event *ev = replay_event_base (re);
  struct value v;

  ck_assert_int_eq (ev->type, evttype_lookup ("openat"));
  ck_assert_uint_eq (ev->ts, 1700000000123456789ull); /* exact: no trip through a double */
  ck_assert_str_eq (ev->hostname, "default-host");
  ck_assert_ptr_nonnull (ev->ops);

  expect_str (re, "proc.name", "cat");
  expect_str (re, "fd.name", "/etc/shadow");
  expect_str (re, "proc.aname[2]", "bash");
  expect_str (re, "evt.arg.flags", "O_RDONLY");
  expect_str (re, "evt.type", "openat");
  expect_str (re, "evt.hostname", "default-host");

  ck_assert_int_eq (extract (re, "user.uid", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_UINT);
  ck_assert_uint_eq (v.u.u, 0);
  ck_assert_int_eq (extract (re, "evt.rawres", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_INT);
  ck_assert_int_eq (v.u.i, -2);
  ck_assert_int_eq (extract (re, "proc.pid", &v, NULL), VAL_PRESENT); /* numeric string */
  ck_assert_int_eq (v.kind, VK_INT);
  ck_assert_int_eq (v.u.i, 4242);
  ck_assert_int_eq (extract (re, "fd.lport", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_UINT);
  ck_assert_uint_eq (v.u.u, 8080);
  ck_assert_int_eq (extract (re, "evt.num", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.u, UINT64_MAX);
  ck_assert_int_eq (extract (re, "proc.vpid", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.u.i, -1234567890123456789ll);

  ck_assert_int_eq (extract (re, "evt.is_open_read", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_BOOL);
  ck_assert (v.u.b);
  ck_assert_int_eq (extract (re, "evt.failed", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_BOOL);
  ck_assert (!v.u.b);

  uint8_t want4[4] = { 10, 0, 0, 1 };
  ck_assert_int_eq (extract (re, "fd.sip", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_IP);
  ck_assert_int_eq (v.u.ip.family, AF_INET);
  ck_assert_mem_eq (v.u.ip.a, want4, 4);
  ck_assert_int_eq (extract (re, "fd.rip", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.u.ip.family, AF_INET6);
  ck_assert_uint_eq (v.u.ip.a[0], 0xfe);
  ck_assert_uint_eq (v.u.ip.a[15], 1);

  expect_state (re, "proc.cmdline", VAL_UNREADABLE); /* null */
  expect_state (re, "proc.exepath", VAL_ABSENT);
  expect_state (re, "proc.aname[3]", VAL_ABSENT);
  expect_state (re, "evt.arg.mode", VAL_ABSENT);
  replay_event_free (re);
}
END_TEST

START_TEST (test_replay_time_fields)
{
  struct replay_event *re;
  struct value v;

  setenv ("TZ", "UTC", 1);
  tzset ();
  re = parse_line ("{\"evt.type\":\"execve\",\"evt.time\":\"2023-11-14T22:13:20.123456789Z\"}");
  ck_assert_uint_eq (replay_event_base (re)->ts, 1700000000123456789ull);
  expect_str (re, "evt.time", "22:13:20.123456789");
  expect_str (re, "evt.time.s", "22:13:20");
  expect_str (re, "evt.time.iso8601", "2023-11-14T22:13:20.123456789Z");
  expect_str (re, "evt.datetime", "2023-11-14 22:13:20.123456789");
  expect_str (re, "evt.datetime.s", "2023-11-14 22:13:20");
  ck_assert_int_eq (extract (re, "evt.rawtime", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_UINT);
  ck_assert_uint_eq (v.u.u, 1700000000123456789ull);
  ck_assert_int_eq (extract (re, "evt.rawtime.s", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.u, 1700000000ull);
  ck_assert_int_eq (extract (re, "evt.rawtime.ns", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.u, 123456789ull);
  replay_event_free (re);

  /* Other spellings of a time. */
  static const struct {
    const char *t;
    uint64_t ns;
  } ok[] = {
    { "\"2023-11-14T23:13:20.5+01:00\"", 1700000000500000000ull },
    { "\"2023-11-14T21:13:20-0100\"", 1700000000000000000ull },
    { "\"2023-11-14 22:13:20\"", 1700000000000000000ull },
    { "\"2024-02-29T00:00:00Z\"", 1709164800000000000ull },
    { "\"1700000000123456789\"", 1700000000123456789ull },
    { "1700000000", 1700000000ull },
    { "0", 0 },
  };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      char line[256];
      snprintf (line, sizeof line, "{\"evt.type\":\"open\",\"evt.time\":%s}", ok[i].t);
      re = parse_line (line);
      ck_assert_msg (replay_event_base (re)->ts == ok[i].ns, "%s: %" PRIu64, ok[i].t, replay_event_base (re)->ts);
      replay_event_free (re);
    }
  static const char *const bad[] = { "\"2023-13-01T00:00:00Z\"", "\"2023-02-29T00:00:00Z\"", "\"yesterday\"",
                                     "\"2023-11-14T22:13:20.1234567891Z\"", "\"2023-11-14T22:13\"",
                                     "\"1969-12-31T23:59:59Z\"", "-5", "1.5", "true", "{}",
                                     "\"2023-11-14T22:13:20Zjunk\"", "\"\"" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      char line[256];
      snprintf (line, sizeof line, "{\"evt.type\":\"open\",\"evt.time\":%s}", bad[i]);
      parse_bad (line, strlen (line), "evt.time");
    }

  /* No time: the time fields are absent, unless the line has them. */
  re = parse_line ("{\"evt.type\":\"open\",\"evt.rawtime.s\":7}");
  ck_assert_uint_eq (replay_event_base (re)->ts, 0);
  expect_state (re, "evt.rawtime", VAL_ABSENT);
  ck_assert_int_eq (extract (re, "evt.rawtime.s", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.u, 7);
  replay_event_free (re);
}
END_TEST

START_TEST (test_replay_hostname)
{
  char msg[64];
  struct replay_event *re = parse_line ("{\"evt.type\":\"open\",\"evt.hostname\":\"node-7\"}");
  ck_assert_str_eq (replay_event_base (re)->hostname, "node-7");
  expect_str (re, "evt.hostname", "node-7");
  replay_event_free (re);

  /* The default is copied: the caller's buffer may go away. */
  char host[16] = "temp-host";
  const char *line = "{\"evt.type\":\"open\"}";
  re = replay_event_parse (line, strlen (line), host, msg, sizeof msg);
  strcpy (host, "XXXXXXXX");
  ck_assert_str_eq (replay_event_base (re)->hostname, "temp-host");
  replay_event_free (re);
  re = replay_event_parse (line, strlen (line), NULL, msg, sizeof msg);
  ck_assert_str_eq (replay_event_base (re)->hostname, "");
  replay_event_free (re);
}
END_TEST

START_TEST (test_replay_arrays_objects)
{
  struct replay_event *re = parse_line (
      "{\"evt.type\":\"execve\",\"proc.aname\":[\"cat\",\"bash\",\"sshd\"],"
      "\"proc.apid\":[10,9,1],\"proc.env\":{\"HOME\":\"/root\",\"EMPTY\":\"\",\"N\":null},"
      "\"evt.arg\":{\"flags\":\"O_WRONLY|O_CREAT\",\"mode\":420},\"fd.types\":[\"ipv4\",\"file\"],"
      "\"container.mount.dest\":{\"/var/run/docker.sock\":\"/var/run/docker.sock\"},"
      "\"proc.aexe\":[\"cat\"],\"proc.aexepath[1]\":\"/bin/direct\",\"proc.aexepath\":[\"/bin/cat\",\"/bin/x\"]}");
  struct value v;
  struct field_ref r;

  expect_str (re, "proc.aname[0]", "cat");
  expect_str (re, "proc.aname[1]", "bash");
  expect_str (re, "proc.aname[2]", "sshd");
  expect_state (re, "proc.aname[3]", VAL_ABSENT);
  expect_state (re, "proc.aname[99999999999]", VAL_ABSENT);
  /* The exact key wins over the base array. */
  expect_str (re, "proc.aexepath[1]", "/bin/direct");
  expect_str (re, "proc.aexepath[0]", "/bin/cat");

  /* Bare: the ancestors, without the process itself. */
  ck_assert_int_eq (extract (re, "proc.aname", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_LIST);
  ck_assert_uint_eq (v.u.list.n, 2);
  ck_assert_int_eq (v.u.list.items[0].kind, VK_STR);
  ck_assert_mem_eq (v.u.list.items[0].u.s.p, "bash", 4);
  ck_assert_mem_eq (v.u.list.items[1].u.s.p, "sshd", 4);
  ck_assert_int_eq (extract (re, "proc.aexe", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_LIST);
  ck_assert_uint_eq (v.u.list.n, 0);
  ck_assert_int_eq (extract (re, "proc.apid", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.list.n, 2);
  ck_assert_int_eq (v.u.list.items[1].kind, VK_INT);
  ck_assert_int_eq (v.u.list.items[1].u.i, 1);
  ck_assert_int_eq (extract (re, "proc.apid[0]", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_INT);
  ck_assert_int_eq (v.u.i, 10);

  expect_str (re, "proc.env[HOME]", "/root");
  expect_str (re, "proc.env[EMPTY]", "");
  expect_state (re, "proc.env[N]", VAL_UNREADABLE);
  expect_state (re, "proc.env[NOPE]", VAL_ABSENT);
  expect_state (re, "proc.env", VAL_UNREADABLE); /* an object is no string */

  expect_str (re, "evt.arg.flags", "O_WRONLY|O_CREAT");
  expect_str (re, "evt.arg.mode", "420"); /* a number rendered for a string field */
  expect_state (re, "evt.arg.fd", VAL_ABSENT);
  expect_str (re, "container.mount.dest[/var/run/docker.sock]", "/var/run/docker.sock");
  expect_state (re, "container.mount.dest[/proc*]", VAL_ABSENT);

  ck_assert_int_eq (extract (re, "fd.types", &v, &r), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_LIST);
  ck_assert_uint_eq (v.u.list.n, 2);
  ck_assert_mem_eq (v.u.list.items[1].u.s.p, "file", 4);
  field_ref_free (&r);
  /* fd.types[1] is the type of FD 1, not item 1 of the list. */
  expect_state (re, "fd.types[1]", VAL_ABSENT);
  replay_event_free (re);

  re = parse_line ("{\"evt.type\":\"execve\",\"proc.env\":[\"HOME=/home/x\",\"A=b=c\",7],"
                   "\"proc.aname\":null,\"fd.types\":\"file\",\"evt.arg\":[\"zero\",\"one\"]}");
  expect_str (re, "proc.env[HOME]", "/home/x");
  expect_str (re, "proc.env[A]", "b=c");
  expect_state (re, "proc.env[HOM]", VAL_ABSENT);
  expect_state (re, "proc.aname[1]", VAL_UNREADABLE); /* the ancestry is unknown */
  expect_state (re, "proc.aname", VAL_UNREADABLE);
  expect_str (re, "evt.arg[1]", "one");
  ck_assert_int_eq (extract (re, "fd.types", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_LIST);
  ck_assert_uint_eq (v.u.list.n, 1);
  replay_event_free (re);
}
END_TEST

START_TEST (test_replay_bad_values)
{
  struct replay_event *re = parse_line (
      "{\"evt.type\":\"connect\",\"user.uid\":\"root\",\"proc.pid\":1.5,\"user.loginuid\":\"-1\","
      "\"group.gid\":-3,\"fd.lport\":70000,\"fd.rport\":\"443\",\"fd.sip\":\"10.0.0.256\","
      "\"fd.cip\":7,\"evt.failed\":1,\"proc.name\":{\"a\":1},\"proc.exe\":[\"x\"],"
      "\"proc.args\":true,\"fd.num\":1e300,\"proc.tty\":\"12abc\",\"proc.ppid\":\" 5\","
      "\"evt.rawres\":9223372036854775808,\"container.start_ts\":\"2023-11-14T22:13:20Z\","
      "\"proc.duration\":\"\",\"fd.types\":[\"a\",null],\"proc.fdusage\":\"0.25\",\"thread.cpu\":\"nan\"}");
  struct value v;

  expect_state (re, "user.uid", VAL_UNREADABLE);
  expect_state (re, "proc.pid", VAL_UNREADABLE);
  ck_assert_int_eq (extract (re, "user.loginuid", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.u.i, -1);
  expect_state (re, "group.gid", VAL_UNREADABLE);
  expect_state (re, "fd.lport", VAL_UNREADABLE);
  ck_assert_int_eq (extract (re, "fd.rport", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.u, 443);
  expect_state (re, "fd.sip", VAL_UNREADABLE);
  expect_state (re, "fd.cip", VAL_UNREADABLE);
  expect_state (re, "evt.failed", VAL_UNREADABLE);
  expect_state (re, "proc.name", VAL_UNREADABLE);
  expect_state (re, "proc.exe", VAL_UNREADABLE);
  expect_str (re, "proc.args", "true");
  expect_state (re, "fd.num", VAL_UNREADABLE);
  expect_state (re, "proc.tty", VAL_UNREADABLE);
  expect_state (re, "proc.ppid", VAL_UNREADABLE);
  expect_state (re, "evt.rawres", VAL_UNREADABLE); /* 2^63 does not fit */
  ck_assert_int_eq (extract (re, "container.start_ts", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.u, 1700000000000000000ull);
  expect_state (re, "proc.duration", VAL_UNREADABLE);
  expect_state (re, "fd.types", VAL_UNREADABLE);
  ck_assert_int_eq (extract (re, "proc.fdusage", &v, NULL), VAL_PRESENT);
  ck_assert_int_eq (v.kind, VK_DOUBLE);
  ck_assert (v.u.d == 0.25);
  expect_state (re, "thread.cpu", VAL_UNREADABLE);
  replay_event_free (re);
}
END_TEST

START_TEST (test_replay_event_types)
{
  struct replay_event *re = parse_line ("{\"evt.type\":\"nosuchcall\"}");
  ck_assert_int_eq (replay_event_base (re)->type, -1);
  ck_assert_uint_eq (replay_event_base (re)->ts, 0);
  replay_event_free (re);
  re = parse_line ("  {\"evt.type\":\"procexit\"}  \r\n");
  ck_assert_int_eq (replay_event_base (re)->type, evttype_lookup ("procexit"));
  replay_event_free (re);
  /* Long digit runs inside strings stay as they are. */
  re = parse_line ("{\"evt.type\":\"open\",\"proc.args\":\"x\\\"12345678901234567890\\\\\","
                   "\"12345678901234567890\":12345678901234567890}");
  expect_str (re, "proc.args", "x\"12345678901234567890\\");
  replay_event_free (re);
  replay_event_free (NULL);
  ck_assert_ptr_null (replay_event_base (NULL));
}
END_TEST

START_TEST (test_replay_bad_lines)
{
  parse_bad ("", 0, "empty line");
  parse_bad (" \n", 2, "empty line");
  parse_bad ("[1,2]", 5, "not a JSON object");
  parse_bad ("\"evt.type\"", 10, "not a JSON object");
  parse_bad ("42", 2, "not a JSON object");
  parse_bad ("{}", 2, "no \"evt.type\"");
  parse_bad ("{\"evt.type\":5}", 14, "\"evt.type\" is not a string");
  parse_bad ("{\"evt.type\":null}", 17, "\"evt.type\" is not a string");
  parse_bad ("{\"evt.type\":\"open\"", 18, "invalid JSON");
  parse_bad ("{\"evt.type\":\"open\"} {}", 22, "unexpected text");
  parse_bad ("{\"evt.type\":\"open\",}", 20, "invalid JSON");
  parse_bad ("{\"evt.type\":\"op\0en\"}", 20, "NUL byte");
  parse_bad ("\xff\xfe{", 3, "invalid JSON");
  /* The length bounds the text: a valid line cut short is invalid. */
  parse_bad ("{\"evt.type\":\"open\"}", 10, "invalid JSON");

  char msg[8];
  ck_assert_ptr_null (replay_event_parse (NULL, 0, "h", msg, sizeof msg));
  ck_assert_ptr_null (replay_event_parse ("x", 1, "h", NULL, 0));
}
END_TEST

START_TEST (test_replay_huge)
{
  /* A megabyte-long string value parses and comes back whole. */
  size_t n = 1 << 20;
  char *line = xmalloc (n + 64);
  int k = sprintf (line, "{\"evt.type\":\"open\",\"fd.name\":\"");
  memset (line + k, 'a', n);
  strcpy (line + k + n, "\"}");
  struct replay_event *re = parse_line (line);
  struct value v;
  ck_assert_int_eq (extract (re, "fd.name", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.s.len, n);
  replay_event_free (re);

  /* Deep nesting is refused, not recursed into. */
  size_t depth = 200000;
  char *deep = xmalloc (2 * depth + 64);
  k = sprintf (deep, "{\"evt.type\":\"open\",\"x\":");
  memset (deep + k, '[', depth);
  memset (deep + k + depth, ']', depth);
  strcpy (deep + k + 2 * depth, "}");
  parse_bad (deep, strlen (deep), "invalid JSON");
  free (deep);

  /* Over the line limit: refused before parsing. */
  size_t big = ((size_t) 64 << 20) + 1;
  char *huge = xmalloc (big);
  memset (huge, ' ', big);
  parse_bad (huge, big, "line too long");
  free (huge);

  /* Many long integers, all quoted and read back exactly. */
  size_t cnt = 5000, off = 0;
  char *many = xmalloc (cnt * 40 + 64);
  off += (size_t) sprintf (many, "{\"evt.type\":\"open\"");
  for (size_t i = 0; i < cnt; i++)
    off += (size_t) sprintf (many + off, ",\"k%zu\":%llu", i, 1000000000000000000ull + i);
  strcpy (many + off, ",\"evt.num\":1000000000000000777}");
  re = parse_line (many);
  ck_assert_int_eq (extract (re, "evt.num", &v, NULL), VAL_PRESENT);
  ck_assert_uint_eq (v.u.u, 1000000000000000777ull);
  replay_event_free (re);
  free (many);
  free (line);
}
END_TEST

START_TEST (test_replay_garbage)
{
  /* Random JSON-ish noise: refused or accepted, never a crash. */
  static const char alphabet[] = "{}[]\":,0123456789-.eE truefalsnl\\evt.typeopen\x01\xff";
  static const char *const fields[] = { "proc.name", "proc.aname[1]", "proc.aname", "user.uid", "fd.sip",
                                        "fd.types", "proc.env[HOME]", "evt.arg.flags", "evt.time" };
  unsigned seed = 12345;
  char line[300];

  for (int iter = 0; iter < 20000; iter++)
    {
      size_t len = (size_t) (rand_r (&seed) % 280);
      size_t pre = 0;
      if (iter % 2)
        pre = (size_t) sprintf (line, "{\"evt.type\":\"open\",\"proc.name\":");
      for (size_t i = pre; i < len; i++)
        line[i] = alphabet[rand_r (&seed) % (sizeof alphabet - 1)];
      if (len < pre)
        len = pre;
      char msg[128];
      struct replay_event *re = replay_event_parse (line, len, "h", msg, sizeof msg);
      if (re == NULL)
        {
          ck_assert (msg[0] != '\0');
          continue;
        }
      for (size_t f = 0; f < ARRAY_SIZE (fields); f++)
        {
          struct value v;
          extract (re, fields[f], &v, NULL);
        }
      replay_event_free (re);
    }

  /* Well-formed objects with values of every JSON kind under every key
     kind must convert or be unreadable. */
  static const char *const values[] = { "null", "true", "false", "0", "-1", "1.5", "1e400", "\"\"",
                                        "\"x\"", "\"10.0.0.1\"", "[]", "[1,\"a\",null]", "{}", "{\"a\":1}" };
  size_t nf = 0;
  const struct field_def *all = fields_all (&nf);
  for (size_t vi = 0; vi < ARRAY_SIZE (values); vi++)
    for (size_t fi = 0; fi < nf; fi++)
      {
        char buf[512];
        char fname[160];
        if (all[fi].argmode == FARG_ARG)
          snprintf (fname, sizeof fname, "%s.x", all[fi].name);
        else if (all[fi].argmode == FARG_INDEX_REQ || all[fi].argmode == FARG_KEY_REQ)
          snprintf (fname, sizeof fname, "%s[1]", all[fi].name);
        else
          snprintf (fname, sizeof fname, "%s", all[fi].name);
        snprintf (buf, sizeof buf, "{\"evt.type\":\"open\",\"evt.time\":5,\"%s\":%s}", fname, values[vi]);
        struct replay_event *re = parse_line (buf);
        struct value v;
        enum value_state st = extract (re, fname, &v, NULL);
        ck_assert (st == VAL_PRESENT || st == VAL_UNREADABLE || st == VAL_ABSENT);
        replay_event_free (re);
      }
}
END_TEST

static Suite *
event_suite (void)
{
  Suite *s = suite_create ("event_json");
  TCase *tc = tcase_create ("evttypes");
  tcase_add_test (tc, test_evttype_lookup);
  tcase_add_test (tc, test_evttype_table);
  tcase_add_test (tc, test_evttype_is_syscall);
  tcase_add_test (tc, test_evttype_sets);
  tcase_add_test (tc, test_argconst_values);
  tcase_add_test (tc, test_argconst_misses);
  suite_add_tcase (s, tc);

  tc = tcase_create ("replay");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_replay_basic);
  tcase_add_test (tc, test_replay_time_fields);
  tcase_add_test (tc, test_replay_hostname);
  tcase_add_test (tc, test_replay_arrays_objects);
  tcase_add_test (tc, test_replay_bad_values);
  tcase_add_test (tc, test_replay_event_types);
  tcase_add_test (tc, test_replay_bad_lines);
  tcase_add_test (tc, test_replay_huge);
  tcase_add_test (tc, test_replay_garbage);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (event_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
