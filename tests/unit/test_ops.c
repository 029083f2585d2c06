/* Unit tests for the comparison operators and transformers (ops.c,
 * transform.c). */
#include <arpa/inet.h>
#include <check.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/error.h"
#include "vigil/ops.h"

/* ---- helpers ---- */

static struct value
S (const char *s)
{
  return (struct value){ .kind = VK_STR, .u.s = { s, strlen (s) } };
}

static struct value
SN (const char *s, size_t n)
{
  return (struct value){ .kind = VK_STR, .u.s = { s, n } };
}

static struct value
I (int64_t i)
{
  return (struct value){ .kind = VK_INT, .u.i = i };
}

static struct value
U (uint64_t u)
{
  return (struct value){ .kind = VK_UINT, .u.u = u };
}

static struct value
D (double d)
{
  return (struct value){ .kind = VK_DOUBLE, .u.d = d };
}

static struct value
B (bool b)
{
  return (struct value){ .kind = VK_BOOL, .u.b = b };
}

static struct value
IP (const char *s)
{
  struct value v = { .kind = VK_IP };
  int prefix;
  ck_assert_int_eq (cidr_parse (s, &v.u.ip, &prefix), 0);
  return v;
}

static struct value
LIST (const struct value *items, size_t n)
{
  return (struct value){ .kind = VK_LIST, .u.list = { items, n } };
}

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct operand *
prep_list (enum cond_op op, enum field_type t, bool lhs_list, const char *const *strs, size_t n)
{
  char msg[256] = "";
  struct operand *o = NULL;
  int r = operand_prepare (op, t, lhs_list, strs, n, op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH,
                           &o, msg, sizeof msg);
  ck_assert_msg (r == 0, "prepare '%s' failed: %s", n ? strs[0] : "", msg);
  ck_assert_ptr_nonnull (o);
  return o;
}

static struct operand *
prep (enum cond_op op, enum field_type t, const char *rhs)
{
  return prep_list (op, t, false, &rhs, 1);
}

/* Prepare `t op rhs`, match v, free. */
static enum tri
m (enum cond_op op, enum field_type t, const char *rhs, struct value v)
{
  struct operand *o = prep (op, t, rhs);
  enum tri r = operand_match (o, &v);
  operand_free (o);
  return r;
}

#define T(op, t, rhs, v) ck_assert_int_eq (m (op, t, rhs, v), TRI_TRUE)
#define F(op, t, rhs, v) ck_assert_int_eq (m (op, t, rhs, v), TRI_FALSE)

/* operand_prepare must fail with a message containing `want`. */
static void
prep_fails (enum cond_op op, enum field_type t, bool lhs_list, const char *const *strs, size_t n, bool is_list,
            const char *want)
{
  char msg[256] = "";
  struct operand *o = (struct operand *) 1;
  ck_assert_int_lt (operand_prepare (op, t, lhs_list, strs, n, is_list, &o, msg, sizeof msg), 0);
  ck_assert_ptr_null (o);
  ck_assert_msg (strstr (msg, want) != NULL, "message '%s' lacks '%s'", msg, want);
}

static void
prep1_fails (enum cond_op op, enum field_type t, const char *rhs, const char *want)
{
  prep_fails (op, t, false, &rhs, 1, false, want);
}

/* ---- op_allowed ---- */

START_TEST (test_allowed_strings)
{
  enum cond_op ok[] = { OP_EQ,    OP_NE,         OP_LT,       OP_LE,   OP_GT,         OP_GE,
                        OP_CONTAINS, OP_ICONTAINS, OP_STARTSWITH, OP_ENDSWITH, OP_GLOB, OP_IGLOB,
                        OP_IN,    OP_INTERSECTS, OP_PMATCH,   OP_EXISTS, OP_REGEX };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      ck_assert (op_allowed (ok[i], FT_CHARBUF, false));
      ck_assert (op_allowed (ok[i], FT_FSPATH, false));
      ck_assert (op_allowed (ok[i], FT_L4PROTO, false));
    }
  ck_assert (!op_allowed (OP_BCONTAINS, FT_CHARBUF, false));
  ck_assert (!op_allowed (OP_BSTARTSWITH, FT_FSPATH, false));
}
END_TEST

START_TEST (test_allowed_other_types)
{
  /* byte buffers: no ordering, glob, regex, icontains or pmatch */
  ck_assert (op_allowed (OP_BCONTAINS, FT_BYTEBUF, false));
  ck_assert (op_allowed (OP_BSTARTSWITH, FT_BYTEBUF, false));
  ck_assert (op_allowed (OP_CONTAINS, FT_BYTEBUF, false));
  ck_assert (op_allowed (OP_ENDSWITH, FT_BYTEBUF, false));
  ck_assert (op_allowed (OP_IN, FT_BYTEBUF, false));
  ck_assert (!op_allowed (OP_LT, FT_BYTEBUF, false));
  ck_assert (!op_allowed (OP_GLOB, FT_BYTEBUF, false));
  ck_assert (!op_allowed (OP_REGEX, FT_BYTEBUF, false));
  ck_assert (!op_allowed (OP_ICONTAINS, FT_BYTEBUF, false));
  ck_assert (!op_allowed (OP_PMATCH, FT_BYTEBUF, false));

  enum field_type nums[] = { FT_INT64, FT_UINT64, FT_PORT, FT_RELTIME, FT_ABSTIME, FT_DOUBLE };
  for (size_t i = 0; i < ARRAY_SIZE (nums); i++)
    {
      ck_assert (op_allowed (OP_LT, nums[i], false));
      ck_assert (op_allowed (OP_GE, nums[i], false));
      ck_assert (op_allowed (OP_IN, nums[i], false));
      ck_assert (op_allowed (OP_INTERSECTS, nums[i], false));
      ck_assert (!op_allowed (OP_CONTAINS, nums[i], false));
      ck_assert (!op_allowed (OP_STARTSWITH, nums[i], false));
      ck_assert (!op_allowed (OP_GLOB, nums[i], false));
      ck_assert (!op_allowed (OP_PMATCH, nums[i], false));
    }

  ck_assert (op_allowed (OP_EQ, FT_BOOL, false));
  ck_assert (op_allowed (OP_IN, FT_BOOL, false));
  ck_assert (!op_allowed (OP_LT, FT_BOOL, false));
  ck_assert (!op_allowed (OP_CONTAINS, FT_BOOL, false));

  ck_assert (op_allowed (OP_EQ, FT_IPADDR, false));
  ck_assert (op_allowed (OP_IN, FT_IPNET, false));
  ck_assert (op_allowed (OP_NE, FT_IPNET, false));
  ck_assert (!op_allowed (OP_LT, FT_IPADDR, false));
  ck_assert (!op_allowed (OP_CONTAINS, FT_IPNET, false));
  ck_assert (!op_allowed (OP_STARTSWITH, FT_IPADDR, false));

  ck_assert (!op_allowed (OP__COUNT, FT_CHARBUF, false));
}
END_TEST

START_TEST (test_allowed_lists)
{
  ck_assert (op_allowed (OP_IN, FT_CHARBUF, true));
  ck_assert (op_allowed (OP_INTERSECTS, FT_CHARBUF, true));
  ck_assert (op_allowed (OP_EXISTS, FT_CHARBUF, true));
  ck_assert (!op_allowed (OP_EQ, FT_CHARBUF, true));
  ck_assert (!op_allowed (OP_CONTAINS, FT_CHARBUF, true));
  ck_assert (!op_allowed (OP_PMATCH, FT_CHARBUF, true));
  ck_assert (op_allowed (OP_IN, FT_UINT64, true));
  ck_assert (op_allowed (OP_IN, FT_IPNET, true));
  /* libsinsp has no lists of these types */
  ck_assert (!op_allowed (OP_IN, FT_INT64, true));
  ck_assert (!op_allowed (OP_IN, FT_BYTEBUF, true));
  ck_assert (op_allowed (OP_EXISTS, FT_BYTEBUF, true));
}
END_TEST

START_TEST (test_not_allowed_messages)
{
  prep1_fails (OP_CONTAINS, FT_INT64, "1", "'contains' operator not supported for numeric filters");
  prep1_fails (OP_LT, FT_BYTEBUF, "a", "'<' operator not supported for buffer filters");
  prep1_fails (OP_BCONTAINS, FT_CHARBUF, "41", "'bcontains' operator not supported for string filters");
  const char *v = "a";
  prep_fails (OP_EQ, FT_CHARBUF, true, &v, 1, false, "not supported for list filters");
  prep_fails (OP_IN, FT_INT64, true, &v, 1, true, "list filters are not supported");
}
END_TEST

START_TEST (test_arity)
{
  const char *two[] = { "a", "b" };
  prep_fails (OP_EQ, FT_CHARBUF, false, two, 2, true, "single value");
  prep_fails (OP_EQ, FT_CHARBUF, false, two, 1, true, "single value");
  prep_fails (OP_EXISTS, FT_CHARBUF, false, two, 1, false, "takes no value");

  struct operand *o = NULL;
  char msg[64];
  ck_assert_int_eq (operand_prepare (OP_EXISTS, FT_CHARBUF, false, NULL, 0, false, &o, msg, sizeof msg), 0);
  struct value v = S ("");
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  operand_free (o);
  operand_free (NULL);
}
END_TEST

START_TEST (test_operand_strings)
{
  const char *items[] = { "O_WRONLY", "O_RDWR", "" };
  struct operand *o = prep_list (OP_IN, FT_CHARBUF, false, items, 3);
  size_t n = 99;
  const char *const *back = operand_strings (o, &n);
  ck_assert_uint_eq (n, 3);
  for (size_t i = 0; i < 3; i++)
    ck_assert_str_eq (back[i], items[i]);
  ck_assert_ptr_ne (back[0], items[0]);
  operand_free (o);

  o = prep (OP_BCONTAINS, FT_BYTEBUF, "cafebabe");
  back = operand_strings (o, &n);
  ck_assert_uint_eq (n, 1);
  ck_assert_str_eq (back[0], "cafebabe");
  operand_free (o);
}
END_TEST

/* ---- strings ---- */

START_TEST (test_string_equality_and_order)
{
  T (OP_EQ, FT_CHARBUF, "bash", S ("bash"));
  F (OP_EQ, FT_CHARBUF, "bash", S ("bas"));
  F (OP_EQ, FT_CHARBUF, "bash", S ("bashx"));
  F (OP_EQ, FT_CHARBUF, "bash", S ("BASH"));
  T (OP_NE, FT_CHARBUF, "bash", S ("zsh"));
  F (OP_NE, FT_CHARBUF, "bash", S ("bash"));
  T (OP_EQ, FT_CHARBUF, "", S (""));
  F (OP_EQ, FT_CHARBUF, "", S ("x"));
  T (OP_NE, FT_FSPATH, "", S ("x"));

  /* byte order, shorter first on a common prefix, as strcmp */
  T (OP_LT, FT_CHARBUF, "b", S ("a"));
  F (OP_LT, FT_CHARBUF, "a", S ("a"));
  T (OP_LE, FT_CHARBUF, "a", S ("a"));
  T (OP_LT, FT_CHARBUF, "ab", S ("a"));
  T (OP_GT, FT_CHARBUF, "a", S ("ab"));
  T (OP_GT, FT_CHARBUF, "a", S ("\xc3\xa9")); /* bytes are unsigned */
  F (OP_GT, FT_CHARBUF, "b", S ("a"));
  T (OP_GE, FT_CHARBUF, "", S (""));
  T (OP_LT, FT_CHARBUF, "a", S (""));

  /* a value is counted, not NUL-terminated */
  const char buf[] = "bashrc";
  T (OP_EQ, FT_CHARBUF, "bash", SN (buf, 4));
  F (OP_EQ, FT_CHARBUF, "bashrc", SN (buf, 4));
  struct value null_empty = { .kind = VK_STR, .u.s = { NULL, 0 } };
  T (OP_EQ, FT_CHARBUF, "", null_empty);
  T (OP_CONTAINS, FT_CHARBUF, "", null_empty);
  F (OP_EQ, FT_CHARBUF, "1", I (1)); /* wrong kind: no match */
}
END_TEST

START_TEST (test_string_substrings)
{
  T (OP_CONTAINS, FT_CHARBUF, "pass", S ("--password=x"));
  F (OP_CONTAINS, FT_CHARBUF, "PASS", S ("--password=x"));
  T (OP_CONTAINS, FT_CHARBUF, "", S (""));
  F (OP_CONTAINS, FT_CHARBUF, "abc", S ("ab"));
  T (OP_ICONTAINS, FT_CHARBUF, "PaSs", S ("--PASSWORD=x"));
  T (OP_ICONTAINS, FT_CHARBUF, "begin rsa private", S ("-----BEGIN RSA PRIVATE KEY"));
  F (OP_ICONTAINS, FT_CHARBUF, "passw0rd", S ("password"));
  T (OP_ICONTAINS, FT_CHARBUF, "", S ("x"));
  T (OP_ICONTAINS, FT_CHARBUF, "b", S ("aaaaB"));
  F (OP_ICONTAINS, FT_CHARBUF, "ab", S ("A"));
  T (OP_STARTSWITH, FT_FSPATH, "/etc/", S ("/etc/passwd"));
  F (OP_STARTSWITH, FT_FSPATH, "/etc/", S ("/etc"));
  T (OP_STARTSWITH, FT_FSPATH, "", S (""));
  T (OP_ENDSWITH, FT_CHARBUF, ".sh", S ("run.sh"));
  F (OP_ENDSWITH, FT_CHARBUF, ".sh", S ("sh"));
  T (OP_ENDSWITH, FT_CHARBUF, "", S ("x"));
  /* only the counted bytes are searched */
  const char buf[] = "abcdef";
  F (OP_CONTAINS, FT_CHARBUF, "def", SN (buf, 3));
  F (OP_ENDSWITH, FT_CHARBUF, "f", SN (buf, 3));
  T (OP_ENDSWITH, FT_CHARBUF, "c", SN (buf, 3));
}
END_TEST

START_TEST (test_string_glob)
{
  T (OP_GLOB, FT_FSPATH, "/home/*/.ssh/*", S ("/home/bob/.ssh/id_rsa"));
  T (OP_GLOB, FT_FSPATH, "/home/*/.ssh/*", S ("/home/a/b/.ssh/c/d")); /* '*' crosses '/' */
  F (OP_GLOB, FT_FSPATH, "/home/*/.ssh/*", S ("/root/.ssh/id_rsa"));
  T (OP_GLOB, FT_FSPATH, "/proc/*/environ", S ("/proc/1/environ"));
  T (OP_GLOB, FT_CHARBUF, "*../*../*", S ("cat ../../etc/shadow"));
  F (OP_GLOB, FT_CHARBUF, "Bash", S ("bash"));
  T (OP_IGLOB, FT_CHARBUF, "Ba?H", S ("bash"));
  T (OP_IGLOB, FT_CHARBUF, "[A-C]ash", S ("bash"));
  T (OP_IGLOB, FT_CHARBUF, "[a-c]ASH", S ("Bash"));
  F (OP_IGLOB, FT_CHARBUF, "[!b]ash", S ("Bash"));
  T (OP_GLOB, FT_CHARBUF, "", S (""));
  F (OP_GLOB, FT_CHARBUF, "", S ("x"));
  T (OP_GLOB, FT_CHARBUF, "*", S (""));
  const char buf[] = "abcdef";
  T (OP_GLOB, FT_CHARBUF, "a*c", SN (buf, 3));
}
END_TEST

START_TEST (test_glob_match)
{
  ck_assert (glob_match ("a?c", "abc", 3, false));
  ck_assert (glob_match ("a?c", "a/c", 3, false));
  ck_assert (!glob_match ("a?c", "ac", 2, false));
  ck_assert (glob_match (".*", ".bashrc", 7, false)); /* leading dot is not special */
  ck_assert (glob_match ("[abc]x", "bx", 2, false));
  ck_assert (!glob_match ("[abc]x", "dx", 2, false));
  ck_assert (glob_match ("[!abc]x", "dx", 2, false));
  ck_assert (glob_match ("[^abc]x", "dx", 2, false));
  ck_assert (glob_match ("[]]", "]", 1, false));
  ck_assert (glob_match ("[!]]", "a", 1, false));
  ck_assert (glob_match ("[a-]", "-", 1, false));
  ck_assert (glob_match ("[[:digit:]]*", "7up", 3, false));
  ck_assert (!glob_match ("[[:digit:]]*", "up", 2, false));
  ck_assert (glob_match ("[[:upper:]]", "a", 1, true));
  ck_assert (glob_match ("\\*", "*", 1, false));
  ck_assert (!glob_match ("\\*", "x", 1, false));
  ck_assert (glob_match ("[\\]]", "]", 1, false));
  ck_assert (glob_match ("a[", "a[", 2, false)); /* unterminated bracket is literal */
  ck_assert (glob_match ("a[b", "a[b", 3, false));
  ck_assert (!glob_match ("a[b", "ab", 2, false));
  ck_assert (glob_match ("*a*b*c*", "xxaxxbxxcxx", 11, false));
  ck_assert (!glob_match ("*a*b*c*", "xxaxxcxxbxx", 11, false));
  ck_assert (glob_match ("ABC", "abc", 3, true));
  ck_assert (glob_match ("a\0b", "a", 1, false)); /* the pattern ends at its NUL */
  ck_assert (glob_match ("x*", NULL, 0, false) == false);
  ck_assert (glob_match ("*", "a\0b", 3, false));

  /* no exponential backtracking */
  char s[20001];
  memset (s, 'a', sizeof s - 1);
  s[sizeof s - 1] = '\0';
  double t0 = now_s ();
  ck_assert (!glob_match ("*a*a*a*a*a*a*a*a*b", s, sizeof s - 1, false));
  ck_assert_msg (now_s () - t0 < 2.0, "pathological glob took %.2fs", now_s () - t0);
}
END_TEST

/* ---- byte buffers ---- */

START_TEST (test_bytebuf)
{
  static const char data[] = { 'G', 'E', 'T', '\0', (char) 0xca, (char) 0xfe, (char) 0xba, (char) 0xbe, 'x' };
  struct value v = SN (data, sizeof data);

  T (OP_BCONTAINS, FT_BYTEBUF, "cafebabe", v);
  T (OP_BCONTAINS, FT_BYTEBUF, "CAFEBABE", v);
  T (OP_BCONTAINS, FT_BYTEBUF, "00cafe", v); /* across the NUL */
  F (OP_BCONTAINS, FT_BYTEBUF, "cafebabf", v);
  T (OP_BCONTAINS, FT_BYTEBUF, "", v);
  T (OP_BSTARTSWITH, FT_BYTEBUF, "474554", v);
  F (OP_BSTARTSWITH, FT_BYTEBUF, "455454", v);
  T (OP_CONTAINS, FT_BYTEBUF, "GET", v); /* contains takes the text as bytes */
  F (OP_CONTAINS, FT_BYTEBUF, "cafebabe", v);
  T (OP_STARTSWITH, FT_BYTEBUF, "GET", v);
  T (OP_ENDSWITH, FT_BYTEBUF, "x", v);
  F (OP_EQ, FT_BYTEBUF, "GET", v);
  T (OP_EQ, FT_BYTEBUF, "GET", SN (data, 3));
  T (OP_NE, FT_BYTEBUF, "GET", v);
  T (OP_BCONTAINS, FT_BYTEBUF, "2f6574", S ("cat /etc/x"));

  prep1_fails (OP_BCONTAINS, FT_BYTEBUF, "abc", "even number of hex digits");
  prep1_fails (OP_BSTARTSWITH, FT_BYTEBUF, "zz", "hex string");
}
END_TEST

/* ---- numbers ---- */

START_TEST (test_numbers)
{
  T (OP_EQ, FT_INT64, "42", I (42));
  F (OP_EQ, FT_INT64, "42", I (43));
  T (OP_EQ, FT_INT64, "-1", I (-1));
  T (OP_LT, FT_INT64, "0", I (-5));
  F (OP_LT, FT_INT64, "-5", I (-5));
  T (OP_LE, FT_INT64, "-5", I (-5));
  T (OP_GT, FT_INT64, "-10", I (-5));
  T (OP_GE, FT_INT64, "0x10", I (16));
  T (OP_EQ, FT_UINT64, "0X1f", U (31));
  T (OP_EQ, FT_UINT64, "+7", U (7));
  T (OP_EQ, FT_INT64, "  7", I (7));
  T (OP_NE, FT_UINT64, "7", U (8));
  T (OP_EQ, FT_UINT64, "18446744073709551615", U (UINT64_MAX));
  T (OP_EQ, FT_INT64, "-9223372036854775808", I (INT64_MIN));
  T (OP_LT, FT_INT64, "9223372036854775808", I (INT64_MAX));
  /* signed and unsigned compare by value, not by bits */
  T (OP_LT, FT_UINT64, "0", I (-1));
  F (OP_EQ, FT_UINT64, "18446744073709551615", I (-1));
  T (OP_GT, FT_UINT64, "-1", U (0));
  T (OP_EQ, FT_INT64, "3", U (3));
  T (OP_EQ, FT_INT64, "3", D (3.0));
  T (OP_LT, FT_INT64, "3", D (2.5));
  T (OP_EQ, FT_RELTIME, "1000000000", U (1000000000));
  T (OP_GT, FT_ABSTIME, "0", U (1));
  T (OP_EQ, FT_BOOL, "true", B (true));
  F (OP_EQ, FT_INT64, "1", S ("1"));

  T (OP_EQ, FT_DOUBLE, "1.5", D (1.5));
  T (OP_LT, FT_DOUBLE, "1e3", D (999.9));
  T (OP_EQ, FT_DOUBLE, "2", I (2));
  F (OP_EQ, FT_DOUBLE, "2", D (__builtin_nan ("")));
  T (OP_NE, FT_DOUBLE, "2", D (__builtin_nan ("")));
  F (OP_LT, FT_DOUBLE, "2", D (__builtin_nan ("")));

  prep1_fails (OP_EQ, FT_INT64, "abc", "'abc' is not a valid number");
  prep1_fails (OP_EQ, FT_INT64, "1.5", "is not a valid number");
  prep1_fails (OP_EQ, FT_INT64, "", "is not a valid number");
  prep1_fails (OP_EQ, FT_INT64, "-", "is not a valid number");
  prep1_fails (OP_EQ, FT_INT64, "0x", "is not a valid number");
  prep1_fails (OP_EQ, FT_INT64, "12 ", "is not a valid number");
  prep1_fails (OP_EQ, FT_UINT64, "0xfg", "is not a valid number");
  prep1_fails (OP_EQ, FT_UINT64, "18446744073709551616", "out of range");
  prep1_fails (OP_EQ, FT_INT64, "-9223372036854775809", "out of range");
  prep1_fails (OP_EQ, FT_DOUBLE, "1.5x", "is not a valid number");
}
END_TEST

START_TEST (test_ports)
{
  T (OP_EQ, FT_PORT, "443", U (443));
  T (OP_GE, FT_PORT, "30000", U (32767));
  F (OP_LE, FT_PORT, "32767", U (32768));
  T (OP_EQ, FT_PORT, "65535", U (65535));
  T (OP_EQ, FT_PORT, "", U (0)); /* as libsinsp: empty is port 0 */
  prep1_fails (OP_EQ, FT_PORT, "65536", "out of range");
  prep1_fails (OP_EQ, FT_PORT, "-1", "unrecognized protocol");
  prep1_fails (OP_EQ, FT_PORT, "no-such-service-x", "unrecognized protocol");
  struct servent *se = getservbyname ("ssh", NULL);
  if (se != NULL)
    T (OP_EQ, FT_PORT, "ssh", U (ntohs ((uint16_t) se->s_port)));

  const char *miner[] = { "25", "3333", "4444" };
  struct operand *o = prep_list (OP_IN, FT_PORT, false, miner, 3);
  struct value v = U (4444);
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = U (4445);
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  operand_free (o);
}
END_TEST

START_TEST (test_bools)
{
  T (OP_EQ, FT_BOOL, "true", B (true));
  F (OP_EQ, FT_BOOL, "true", B (false));
  T (OP_EQ, FT_BOOL, "false", B (false));
  T (OP_NE, FT_BOOL, "false", B (true));
  F (OP_NE, FT_BOOL, "false", B (false));
  T (OP_EQ, FT_BOOL, "true", U (1));
  T (OP_EQ, FT_BOOL, "false", I (0));
  F (OP_EQ, FT_BOOL, "true", S ("true"));
  prep1_fails (OP_EQ, FT_BOOL, "yes", "unrecognized boolean value 'yes'");
  prep1_fails (OP_EQ, FT_BOOL, "True", "unrecognized boolean");

  const char *both[] = { "true" };
  struct operand *o = prep_list (OP_IN, FT_BOOL, false, both, 1);
  struct value v = B (true);
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = B (false);
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  operand_free (o);
}
END_TEST

/* ---- IP addresses and networks ---- */

START_TEST (test_ipaddr)
{
  T (OP_EQ, FT_IPADDR, "169.254.169.254", IP ("169.254.169.254"));
  F (OP_EQ, FT_IPADDR, "169.254.169.254", IP ("169.254.169.253"));
  T (OP_NE, FT_IPADDR, "0.0.0.0", IP ("10.0.0.1"));
  F (OP_NE, FT_IPADDR, "0.0.0.0", IP ("0.0.0.0"));
  T (OP_EQ, FT_IPADDR, "::1", IP ("::1"));
  T (OP_EQ, FT_IPADDR, "2001:db8::1", IP ("2001:0db8:0:0:0:0:0:1"));
  F (OP_EQ, FT_IPADDR, "::1", IP ("::2"));
  /* families never equal: an IPv4 literal against an IPv6 value */
  F (OP_EQ, FT_IPADDR, "0.0.0.0", IP ("::"));
  T (OP_NE, FT_IPADDR, "0.0.0.0", IP ("::"));
  F (OP_EQ, FT_IPADDR, "1.2.3.4", S ("1.2.3.4"));

  prep1_fails (OP_EQ, FT_IPADDR, "1.2.3", "unrecognized IPv4 address '1.2.3'");
  prep1_fails (OP_EQ, FT_IPADDR, "1.2.3.4/8", "unrecognized IPv4");
  prep1_fails (OP_EQ, FT_IPADDR, "localhost", "unrecognized IPv6");
  prep1_fails (OP_EQ, FT_IPADDR, "::ffff:1.2.3.4", "unrecognized IPv4"); /* dotted means IPv4 */

  const char *ips[] = { "127.0.0.1", "::1", "10.1.2.3" };
  struct operand *o = prep_list (OP_IN, FT_IPADDR, false, ips, 3);
  struct value v = IP ("10.1.2.3");
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = IP ("::1");
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = IP ("::127.0.0.1");
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  v = IP ("10.1.2.4");
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  operand_free (o);
}
END_TEST

START_TEST (test_ipnet)
{
  T (OP_EQ, FT_IPNET, "127.0.0.0/8", IP ("127.1.2.3"));
  F (OP_EQ, FT_IPNET, "127.0.0.0/8", IP ("128.0.0.1"));
  T (OP_NE, FT_IPNET, "127.0.0.0/8", IP ("10.0.0.1"));
  F (OP_NE, FT_IPNET, "127.0.0.0/8", IP ("127.0.0.1"));
  T (OP_EQ, FT_IPNET, "127.0.0.1/8", IP ("127.9.9.9")); /* host bits ignored */
  T (OP_EQ, FT_IPNET, "0.0.0.0/0", IP ("203.0.113.9"));
  T (OP_EQ, FT_IPNET, "10.0.0.7/32", IP ("10.0.0.7"));
  F (OP_EQ, FT_IPNET, "10.0.0.7/32", IP ("10.0.0.6"));
  T (OP_EQ, FT_IPNET, "172.16.0.0/12", IP ("172.31.255.255"));
  F (OP_EQ, FT_IPNET, "172.16.0.0/12", IP ("172.32.0.0"));
  T (OP_EQ, FT_IPNET, "2001:db8::/32", IP ("2001:db8:ffff::1"));
  F (OP_EQ, FT_IPNET, "2001:db8::/32", IP ("2001:db9::1"));
  T (OP_EQ, FT_IPNET, "fe80::/10", IP ("febf::1"));
  F (OP_EQ, FT_IPNET, "fe80::/10", IP ("fec0::1"));
  T (OP_EQ, FT_IPNET, "::1/128", IP ("::1"));
  /* other family: never in the net */
  F (OP_EQ, FT_IPNET, "0.0.0.0/0", IP ("::1"));
  T (OP_NE, FT_IPNET, "0.0.0.0/0", IP ("::1"));

  prep1_fails (OP_EQ, FT_IPNET, "10.0.0.1", "expected address/bits");
  prep1_fails (OP_EQ, FT_IPNET, "10.0.0.0/33", "unrecognized IP network");
  prep1_fails (OP_EQ, FT_IPNET, "10.0.0.0/", "unrecognized IP network");
  prep1_fails (OP_EQ, FT_IPNET, "10.0.0.0/x", "unrecognized IP network");
  prep1_fails (OP_EQ, FT_IPNET, "::/0", "invalid v6 netmask");
  prep1_fails (OP_EQ, FT_IPNET, "::/129", "unrecognized IP network");

  const char *rfc1918[] = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" };
  struct operand *o = prep_list (OP_IN, FT_IPNET, false, rfc1918, 3);
  struct value v = IP ("192.168.1.1");
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = IP ("8.8.8.8");
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  struct value items[] = { IP ("8.8.8.8"), IP ("10.2.3.4") };
  v = LIST (items, 2);
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE); /* in: all items */
  operand_free (o);
  o = prep_list (OP_INTERSECTS, FT_IPNET, true, rfc1918, 3);
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE); /* intersects: one */
  operand_free (o);
}
END_TEST

START_TEST (test_cidr)
{
  struct ipaddr a, ip;
  int prefix;

  ck_assert_int_eq (cidr_parse ("10.0.0.0/8", &a, &prefix), 0);
  ck_assert_int_eq (a.family, AF_INET);
  ck_assert_int_eq (prefix, 8);
  ck_assert_int_eq (a.a[0], 10);
  ck_assert_int_eq (cidr_parse ("192.0.2.1", &a, &prefix), 0);
  ck_assert_int_eq (prefix, 32);
  ck_assert_int_eq (cidr_parse ("::1", &a, &prefix), 0);
  ck_assert_int_eq (a.family, AF_INET6);
  ck_assert_int_eq (prefix, 128);
  ck_assert_int_eq (a.a[15], 1);
  ck_assert_int_eq (cidr_parse ("::/0", &a, &prefix), 0);
  ck_assert_int_eq (prefix, 0);
  ck_assert_int_lt (cidr_parse ("10.0.0.0/33", &a, &prefix), 0);
  ck_assert_int_lt (cidr_parse ("::/129", &a, &prefix), 0);
  ck_assert_int_lt (cidr_parse ("10.0.0.0/-1", &a, &prefix), 0);
  ck_assert_int_lt (cidr_parse ("10.0.0.0/0008", &a, &prefix), 0);
  ck_assert_int_lt (cidr_parse ("300.0.0.0/8", &a, &prefix), 0);
  ck_assert_int_lt (cidr_parse ("", &a, &prefix), 0);
  ck_assert_int_lt (cidr_parse ("/8", &a, &prefix), 0);
  char longs[200];
  memset (longs, '1', sizeof longs - 1);
  longs[sizeof longs - 1] = '\0';
  ck_assert_int_lt (cidr_parse (longs, &a, &prefix), 0);

  ck_assert_int_eq (cidr_parse ("10.0.0.0/0", &a, &prefix), 0);
  ck_assert_int_eq (cidr_parse ("255.255.255.255", &ip, &prefix), 0);
  ck_assert (cidr_contains (&a, 0, &ip));
  ck_assert_int_eq (cidr_parse ("10.1.0.0", &a, &prefix), 0);
  ck_assert_int_eq (cidr_parse ("10.1.127.1", &ip, &prefix), 0);
  ck_assert (cidr_contains (&a, 17, &ip));
  ck_assert_int_eq (cidr_parse ("10.1.128.1", &ip, &prefix), 0);
  ck_assert (!cidr_contains (&a, 17, &ip));
  ck_assert (cidr_contains (&a, 16, &ip));
  ck_assert (!cidr_contains (&a, 33, &ip));
  ck_assert_int_eq (cidr_parse ("::", &ip, &prefix), 0);
  ck_assert (!cidr_contains (&a, 0, &ip)); /* family differs */
  ck_assert_int_eq (cidr_parse ("2001:db8::", &a, &prefix), 0);
  ck_assert_int_eq (cidr_parse ("2001:db8::ff", &ip, &prefix), 0);
  ck_assert (cidr_contains (&a, 120, &ip));
  ck_assert (!cidr_contains (&a, 121, &ip));
  ck_assert (!cidr_contains (&a, 128, &ip));
  ck_assert (cidr_contains (&ip, 128, &ip));
}
END_TEST

/* ---- in, intersects ---- */

START_TEST (test_in_strings)
{
  const char *shells[] = { "bash", "sh", "zsh", "", "bash" };
  struct operand *o = prep_list (OP_IN, FT_CHARBUF, false, shells, 5);
  const char *yes[] = { "bash", "sh", "zsh", "" };
  const char *no[] = { "bas", "bashh", "ksh", "BASH", "s" };
  for (size_t i = 0; i < ARRAY_SIZE (yes); i++)
    {
      struct value v = S (yes[i]);
      ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
    }
  for (size_t i = 0; i < ARRAY_SIZE (no); i++)
    {
      struct value v = S (no[i]);
      ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
    }
  const char buf[] = "shell";
  struct value v = SN (buf, 2);
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  operand_free (o);

  /* intersects on a plain field is `in` */
  const char *flags[] = { "-V", "-l", "-h" };
  o = prep_list (OP_INTERSECTS, FT_CHARBUF, false, flags, 3);
  v = S ("-l");
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = S ("-x");
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  operand_free (o);

  /* the empty list holds nothing */
  o = prep_list (OP_IN, FT_CHARBUF, false, NULL, 0);
  v = S ("");
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  operand_free (o);

  const char *nums[] = { "1", "x" };
  prep_fails (OP_IN, FT_INT64, false, nums, 2, true, "'x' is not a valid number");
}
END_TEST

START_TEST (test_in_lists)
{
  const char *set[] = { "a", "b", "c" };
  struct value ab[] = { S ("a"), S ("b") }, ax[] = { S ("a"), S ("x") }, xy[] = { S ("x"), S ("y") };
  struct value vab = LIST (ab, 2), vax = LIST (ax, 2), vxy = LIST (xy, 2), empty = LIST (NULL, 0);

  struct operand *in = prep_list (OP_IN, FT_CHARBUF, true, set, 3);
  struct operand *isect = prep_list (OP_INTERSECTS, FT_CHARBUF, true, set, 3);
  ck_assert_int_eq (operand_match (in, &vab), TRI_TRUE);
  ck_assert_int_eq (operand_match (in, &vax), TRI_FALSE);
  ck_assert_int_eq (operand_match (in, &vxy), TRI_FALSE);
  ck_assert_int_eq (operand_match (in, &empty), TRI_TRUE); /* every item of none */
  ck_assert_int_eq (operand_match (isect, &vab), TRI_TRUE);
  ck_assert_int_eq (operand_match (isect, &vax), TRI_TRUE);
  ck_assert_int_eq (operand_match (isect, &vxy), TRI_FALSE);
  ck_assert_int_eq (operand_match (isect, &empty), TRI_FALSE);
  operand_free (in);
  operand_free (isect);

  const char *nums[] = { "1", "0x2", "3" };
  struct value n12[] = { U (1), U (2) }, n14[] = { U (1), U (4) };
  struct value v12 = LIST (n12, 2), v14 = LIST (n14, 2);
  in = prep_list (OP_IN, FT_UINT64, true, nums, 3);
  ck_assert_int_eq (operand_match (in, &v12), TRI_TRUE);
  ck_assert_int_eq (operand_match (in, &v14), TRI_FALSE);
  operand_free (in);
}
END_TEST

START_TEST (test_in_numbers)
{
  const char *nums[] = { "-1", "0", "7", "18446744073709551615" };
  struct operand *o = prep_list (OP_IN, FT_INT64, false, nums, 4);
  struct value yes[] = { I (-1), I (0), U (0), I (7), U (7), D (7.0), U (UINT64_MAX) };
  struct value no[] = { I (1), U (UINT64_MAX - 1), D (7.5), D (-0.5), S ("7"), IP ("0.0.0.7") };
  for (size_t i = 0; i < ARRAY_SIZE (yes); i++)
    ck_assert_msg (operand_match (o, &yes[i]) == TRI_TRUE, "yes[%zu]", i);
  for (size_t i = 0; i < ARRAY_SIZE (no); i++)
    ck_assert_msg (operand_match (o, &no[i]) == TRI_FALSE, "no[%zu]", i);
  operand_free (o);

  const char *dbl[] = { "0.5", "-0" };
  o = prep_list (OP_IN, FT_DOUBLE, false, dbl, 2);
  struct value v = D (0.5);
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = D (0.0);
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = I (0);
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = D (0.25);
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  operand_free (o);
}
END_TEST

START_TEST (test_in_million)
{
  enum { N = 1000000 };
  char *pool = xmalloc ((size_t) N * 16);
  const char **items = xmalloc (N * sizeof *items);
  for (size_t i = 0; i < N; i++)
    {
      items[i] = pool + i * 16;
      snprintf (pool + i * 16, 16, "item-%zu", i);
    }

  double t0 = now_s ();
  struct operand *o = prep_list (OP_IN, FT_CHARBUF, false, items, N);
  double t_prep = now_s () - t0;

  char buf[32];
  size_t hits = 0;
  t0 = now_s ();
  for (size_t i = 0; i < 2 * (size_t) N; i += 2)
    {
      int len = snprintf (buf, sizeof buf, "item-%zu", i);
      struct value v = SN (buf, (size_t) len);
      hits += operand_match (o, &v) == TRI_TRUE;
    }
  double t_match = now_s () - t0;
  ck_assert_uint_eq (hits, N / 2);
  fprintf (stderr, "in, 1M items: prepare %.3fs, 1M lookups %.3fs\n", t_prep, t_match);
  ck_assert_msg (t_prep < 10.0, "prepare took %.2fs", t_prep);
  ck_assert_msg (t_match < 5.0, "lookups took %.2fs", t_match);
  operand_free (o);
  free (items);
  free (pool);
}
END_TEST

/* ---- pmatch ---- */

START_TEST (test_path_prefix_match)
{
  ck_assert (path_prefix_match ("/etc", 4, "/etc", 4));
  ck_assert (path_prefix_match ("/etc", 4, "/etc/x", 6));
  ck_assert (path_prefix_match ("/etc", 4, "/etc/", 5));
  ck_assert (!path_prefix_match ("/etc", 4, "/etcx", 5));
  ck_assert (!path_prefix_match ("/etc", 4, "/et", 3));
  ck_assert (path_prefix_match ("/etc/", 5, "/etc/passwd", 11));
  ck_assert (path_prefix_match ("/etc/", 5, "/etc", 4));
  ck_assert (path_prefix_match ("//usr///lib", 11, "/usr/lib/x", 10));
  ck_assert (!path_prefix_match ("/usr/lib", 8, "/usr", 4));
  ck_assert (path_prefix_match ("/", 1, "/anything", 9));
  ck_assert (path_prefix_match ("/", 1, "", 0));
  ck_assert (path_prefix_match ("/a/*/c", 6, "/a/b/c/d", 8));
  ck_assert (!path_prefix_match ("/a/*/c", 6, "/a/b/x/c", 8));
  ck_assert (path_prefix_match ("/home/*/.ssh", 12, "/home/u/.ssh/id", 15));
  const char buf[] = "/etc/passwd";
  ck_assert (!path_prefix_match ("/etc/passwd", 11, buf, 8));
}
END_TEST

START_TEST (test_pmatch)
{
  const char *dirs[] = { "/var/run", "/etc", "/lib/", "/usr/lib", "/usr", "opt/x", "/home/*/.cache" };
  struct operand *o = prep_list (OP_PMATCH, FT_FSPATH, false, dirs, ARRAY_SIZE (dirs));
  const char *yes[] = { "/var/run/docker", "/var/run", "/etc", "/etc/passwd", "/lib", "/lib/x.so",
                        "//etc//x", "/usr/lib/x", "/usr/bin/env", "/opt/x/y", "/home/bob/.cache/z",
                        "/etc/" };
  const char *no[] = { "/boot", "/var/lib/messages", "/var", "/etcx", "/et", "/", "", "/opt",
                       "/home/bob/.config", "/libx" };
  for (size_t i = 0; i < ARRAY_SIZE (yes); i++)
    {
      struct value v = S (yes[i]);
      ck_assert_msg (operand_match (o, &v) == TRI_TRUE, "%s should match", yes[i]);
    }
  for (size_t i = 0; i < ARRAY_SIZE (no); i++)
    {
      struct value v = S (no[i]);
      ck_assert_msg (operand_match (o, &v) == TRI_FALSE, "%s should not match", no[i]);
    }
  operand_free (o);

  const char *root[] = { "/" };
  o = prep_list (OP_PMATCH, FT_CHARBUF, false, root, 1);
  struct value v = S ("/any/thing");
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = S ("");
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  operand_free (o);
}
END_TEST

START_TEST (test_pmatch_many)
{
  enum { N = 100000 };
  char *pool = xmalloc ((size_t) N * 32);
  const char **items = xmalloc (N * sizeof *items);
  for (size_t i = 0; i < N; i++)
    {
      items[i] = pool + i * 32;
      snprintf (pool + i * 32, 32, "/srv/d%zu/data", i);
    }
  struct operand *o = prep_list (OP_PMATCH, FT_FSPATH, false, items, N);
  char buf[64];
  double t0 = now_s ();
  size_t hits = 0;
  for (size_t i = 0; i < N; i++)
    {
      int len = snprintf (buf, sizeof buf, "/srv/d%zu/%s/file", i, i % 2 ? "data" : "other");
      struct value v = SN (buf, (size_t) len);
      hits += operand_match (o, &v) == TRI_TRUE;
    }
  double t = now_s () - t0;
  ck_assert_uint_eq (hits, N / 2);
  ck_assert_msg (t < 5.0, "pmatch lookups took %.2fs", t);
  operand_free (o);
  free (items);
  free (pool);
}
END_TEST

/* ---- regex ---- */

START_TEST (test_regex)
{
  T (OP_REGEX, FT_CHARBUF, "ba.h", S ("bash"));
  F (OP_REGEX, FT_CHARBUF, "ba.h", S ("/bin/bash")); /* whole string */
  F (OP_REGEX, FT_CHARBUF, "ba", S ("bash"));
  T (OP_REGEX, FT_CHARBUF, ".*secret.*", S ("my secret file"));
  T (OP_REGEX, FT_CHARBUF, "a|ab", S ("ab")); /* backtracks to end at the end */
  T (OP_REGEX, FT_CHARBUF, "[0-9]+", S ("12345"));
  F (OP_REGEX, FT_CHARBUF, "[0-9]+", S ("123x45"));
  T (OP_REGEX, FT_CHARBUF, "", S (""));
  T (OP_REGEX, FT_CHARBUF, "caf.", S ("caf\xc3\xa9")); /* '.' is one UTF-8 character */
  F (OP_REGEX, FT_CHARBUF, "caf.", S ("caf\xff")); /* invalid UTF-8 does not match */
  const char buf[] = "abcdef";
  T (OP_REGEX, FT_CHARBUF, "abc", SN (buf, 3));
  struct value null_empty = { .kind = VK_STR, .u.s = { NULL, 0 } };
  T (OP_REGEX, FT_CHARBUF, "x*", null_empty);
  F (OP_REGEX, FT_CHARBUF, "1", I (1));

  char msg[256] = "";
  struct operand *o = (struct operand *) 1;
  const char *bad = "ab(c";
  ck_assert_int_lt (operand_prepare (OP_REGEX, FT_CHARBUF, false, &bad, 1, false, &o, msg, sizeof msg), 0);
  ck_assert_ptr_null (o);
  ck_assert_msg (strstr (msg, "missing closing parenthesis") != NULL, "%s", msg);
  ck_assert_msg (strstr (msg, "at offset 4") != NULL, "%s", msg);
  prep1_fails (OP_REGEX, FT_CHARBUF, "[z-a]", "invalid regex pattern");
}
END_TEST

START_TEST (test_regex_catastrophic)
{
  struct operand *o = prep (OP_REGEX, FT_CHARBUF, "(a+)+$");
  static char s[5002];
  memset (s, 'a', 5000);
  s[5000] = 'b';
  struct value v = SN (s, 5001);

  double t0 = now_s ();
  enum tri r = operand_match (o, &v);
  double t = now_s () - t0;
  ck_assert_int_eq (r, TRI_UNKNOWN);
  ck_assert_msg (t < 1.0, "catastrophic regex took %.2fs", t);

  v = SN (s, 5000); /* all a's: matches */
  ck_assert_int_eq (operand_match (o, &v), TRI_TRUE);
  v = SN ("aab", 3); /* short: plain no-match, not unknown */
  ck_assert_int_eq (operand_match (o, &v), TRI_FALSE);
  operand_free (o);
}
END_TEST

/* ---- two runtime values ---- */

START_TEST (test_match_values)
{
  struct value a = S ("bash"), b = S ("bash"), c = S ("BA"), n1 = I (-1), n2 = U (2), t = B (true), f = B (false);
  struct value ip1 = IP ("10.0.0.1"), ip2 = IP ("10.0.0.1"), ip6 = IP ("::1");

  ck_assert_int_eq (op_match_values (OP_EQ, &a, &b), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_NE, &a, &b), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_ICONTAINS, &a, &c), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_CONTAINS, &a, &c), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_STARTSWITH, &a, &c), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_LT, &c, &a), TRI_TRUE);
  struct value g = S ("b*");
  ck_assert_int_eq (op_match_values (OP_GLOB, &a, &g), TRI_TRUE);
  struct value gi = S ("B*");
  ck_assert_int_eq (op_match_values (OP_GLOB, &a, &gi), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_IGLOB, &a, &gi), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_REGEX, &a, &b), TRI_FALSE);

  ck_assert_int_eq (op_match_values (OP_LT, &n1, &n2), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_GE, &n1, &n2), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_NE, &n1, &n2), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_EQ, &a, &n2), TRI_FALSE);

  ck_assert_int_eq (op_match_values (OP_EQ, &t, &t), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_NE, &t, &f), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_LT, &f, &t), TRI_FALSE);

  ck_assert_int_eq (op_match_values (OP_EQ, &ip1, &ip2), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_EQ, &ip1, &ip6), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_NE, &ip1, &ip6), TRI_TRUE);

  struct value items[] = { S ("sh"), S ("bash") }, other[] = { S ("zsh") };
  struct value l = LIST (items, 2), lo = LIST (other, 1);
  ck_assert_int_eq (op_match_values (OP_IN, &a, &l), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_IN, &a, &lo), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_IN, &a, &b), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_IN, &l, &l), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_IN, &l, &a), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_INTERSECTS, &l, &a), TRI_TRUE);
  ck_assert_int_eq (op_match_values (OP_INTERSECTS, &l, &lo), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_EQ, &l, &l), TRI_FALSE);
  ck_assert_int_eq (op_match_values (OP_EXISTS, &l, &l), TRI_TRUE);
  struct value p = S ("/etc"), f1 = S ("/etc/passwd");
  ck_assert_int_eq (op_match_values (OP_PMATCH, &f1, &p), TRI_TRUE);
}
END_TEST

/* ---- transformers ---- */

static struct value
tr (enum transformer t, struct value in, struct arena *a, int *rc)
{
  struct value out = { 0 };
  *rc = transform_apply (t, &in, &out, a);
  return out;
}

static void
tr_str_eq (enum transformer t, const char *in, const char *want, struct arena *a)
{
  int rc;
  struct value out = tr (t, S (in), a, &rc);
  ck_assert_int_eq (rc, 0);
  ck_assert_int_eq (out.kind, VK_STR);
  ck_assert_uint_eq (out.u.s.len, strlen (want));
  ck_assert_msg (memcmp (out.u.s.p, want, out.u.s.len) == 0, "transformer %d of '%s'", (int) t, in);
}

START_TEST (test_transform_case_and_basename)
{
  struct arena a = { 0 };

  tr_str_eq (TR_TOLOWER, "BaSH-4.2", "bash-4.2", &a);
  tr_str_eq (TR_TOUPPER, "BaSH-4.2", "BASH-4.2", &a);
  tr_str_eq (TR_TOLOWER, "", "", &a);
  tr_str_eq (TR_TOUPPER, "\xc3\xa9", "\xc3\xa9", &a); /* ASCII only */
  tr_str_eq (TR_BASENAME, "/usr/bin/bash", "bash", &a);
  tr_str_eq (TR_BASENAME, "bash", "bash", &a);
  tr_str_eq (TR_BASENAME, "/usr/bin/", "", &a);
  tr_str_eq (TR_BASENAME, "/", "", &a);
  tr_str_eq (TR_BASENAME, "", "", &a);
  tr_str_eq (TR_BASENAME, "a//b", "b", &a);

  /* trailing NULs are dropped, as libsinsp's string transformers do */
  int rc;
  struct value out = tr (TR_TOUPPER, SN ("ab\0\0", 4), &a, &rc);
  ck_assert_int_eq (rc, 0);
  ck_assert_uint_eq (out.u.s.len, 2);

  /* in place */
  struct value v = S ("MiXeD");
  ck_assert_int_eq (transform_apply (TR_TOLOWER, &v, &v, &a), 0);
  ck_assert_uint_eq (v.u.s.len, 5);
  ck_assert (memcmp (v.u.s.p, "mixed", 5) == 0);

  /* over a list, item by item */
  struct value items[] = { S ("/a/B"), S ("C") };
  out = tr (TR_TOLOWER, LIST (items, 2), &a, &rc);
  ck_assert_int_eq (rc, 0);
  ck_assert_int_eq (out.kind, VK_LIST);
  ck_assert_uint_eq (out.u.list.n, 2);
  ck_assert (memcmp (out.u.list.items[0].u.s.p, "/a/b", 4) == 0);
  ck_assert (memcmp (out.u.list.items[1].u.s.p, "c", 1) == 0);
  out = tr (TR_BASENAME, LIST (NULL, 0), &a, &rc);
  ck_assert_int_eq (rc, 0);
  ck_assert_uint_eq (out.u.list.n, 0);

  /* a number is no string */
  tr (TR_TOLOWER, I (5), &a, &rc);
  ck_assert_int_lt (rc, 0);
  struct value mixed[] = { S ("x"), I (1) };
  tr (TR_TOUPPER, LIST (mixed, 2), &a, &rc);
  ck_assert_int_lt (rc, 0);
  arena_free (&a);
}
END_TEST

START_TEST (test_transform_b64)
{
  struct arena a = { 0 };
  int rc;

  tr_str_eq (TR_B64, "aGVsbG8=", "hello", &a);
  tr_str_eq (TR_B64, "aGVsbG8", "hello", &a); /* padding optional */
  tr_str_eq (TR_B64, "aGVsbA==", "hell", &a);
  tr_str_eq (TR_B64, "aGVsbA", "hell", &a);
  tr_str_eq (TR_B64, "aGVs", "hel", &a);
  tr_str_eq (TR_B64, "", "", &a);
  tr_str_eq (TR_B64, "L2V0Yy9wYXNzd2Q=", "/etc/passwd", &a);
  tr_str_eq (TR_B64, "+/+/", "\xfb\xff\xbf", &a);

  struct value out = tr (TR_B64, S ("AAE="), &a, &rc); /* decodes to bytes 00 01 */
  ck_assert_int_eq (rc, 0);
  ck_assert_uint_eq (out.u.s.len, 2);
  ck_assert_int_eq (out.u.s.p[0], 0);
  ck_assert_int_eq (out.u.s.p[1], 1);

  const char *bad[] = { "a", "aGVsb", "aGV!bG8=", "=", "==", "aG=k", "aR==", "aGVsbG9=", "A===", " aGVs" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      tr (TR_B64, S (bad[i]), &a, &rc);
      ck_assert_msg (rc < 0, "b64 of '%s' should fail", bad[i]);
    }
  struct value items[] = { S ("YQ=="), S ("!!") };
  tr (TR_B64, LIST (items, 2), &a, &rc);
  ck_assert_int_lt (rc, 0);
  arena_free (&a);
}
END_TEST

START_TEST (test_transform_len)
{
  struct arena a = { 0 };
  int rc;
  struct value out = tr (TR_LEN, S ("bash"), &a, &rc);
  ck_assert_int_eq (rc, 0);
  ck_assert_int_eq (out.kind, VK_INT);
  ck_assert_int_eq (out.u.i, 4);
  out = tr (TR_LEN, S (""), &a, &rc);
  ck_assert_int_eq (out.u.i, 0);
  out = tr (TR_LEN, SN ("a\0b", 3), &a, &rc); /* bytes count */
  ck_assert_int_eq (out.u.i, 3);
  struct value items[] = { S ("a"), S ("b"), S ("c") };
  out = tr (TR_LEN, LIST (items, 3), &a, &rc);
  ck_assert_int_eq (rc, 0);
  ck_assert_int_eq (out.u.i, 3);
  tr (TR_LEN, U (3), &a, &rc);
  ck_assert_int_lt (rc, 0);
  arena_free (&a);
}
END_TEST

START_TEST (test_transform_types)
{
  ck_assert_int_eq (transform_result_type (TR_TOLOWER, FT_CHARBUF), FT_CHARBUF);
  ck_assert_int_eq (transform_result_type (TR_TOUPPER, FT_FSPATH), FT_FSPATH);
  ck_assert_int_eq (transform_result_type (TR_BASENAME, FT_FSPATH), FT_FSPATH);
  ck_assert_int_eq (transform_result_type (TR_TOLOWER, FT_INT64), -1);
  ck_assert_int_eq (transform_result_type (TR_TOLOWER, FT_BYTEBUF), -1);
  ck_assert_int_eq (transform_result_type (TR_BASENAME, FT_IPADDR), -1);
  ck_assert_int_eq (transform_result_type (TR_B64, FT_CHARBUF), FT_CHARBUF);
  ck_assert_int_eq (transform_result_type (TR_B64, FT_BYTEBUF), FT_BYTEBUF);
  ck_assert_int_eq (transform_result_type (TR_B64, FT_FSPATH), -1);
  ck_assert_int_eq (transform_result_type (TR_LEN, FT_CHARBUF), FT_INT64);
  ck_assert_int_eq (transform_result_type (TR_LEN, FT_BYTEBUF), FT_INT64);
  ck_assert_int_eq (transform_result_type (TR_LEN, FT_FSPATH), FT_INT64);
  ck_assert_int_eq (transform_result_type (TR_LEN, FT_UINT64), -1);
  ck_assert_int_eq (transform_result_type (TR__COUNT, FT_CHARBUF), -1);
}
END_TEST

/* ---- speed of the hot path ---- */

/* Best of several runs: the machine is shared, the minimum is the cost. */
static double
ns_per_match (struct operand *o, const struct value *v, enum tri want)
{
  enum { ROUNDS = 200000, RUNS = 7 };
  double best = 1e9;

  for (int r = 0; r < RUNS; r++)
    {
      size_t ok = 0;
      double t0 = now_s ();
      for (int i = 0; i < ROUNDS; i++)
        ok += operand_match (o, v) == want;
      double ns = (now_s () - t0) * 1e9 / ROUNDS;
      ck_assert_uint_eq (ok, ROUNDS);
      if (ns < best)
        best = ns;
    }
  return best;
}

static const char *
op_label (enum cond_op op)
{
  switch (op)
    {
    case OP_EQ:
      return "=";
    case OP_GE:
      return ">=";
    case OP_STARTSWITH:
      return "startswith";
    case OP_CONTAINS:
      return "contains";
    case OP_ICONTAINS:
      return "icontains";
    case OP_GLOB:
      return "glob";
    default:
      return "?";
    }
}

START_TEST (test_speed)
{
  struct {
    enum cond_op op;
    enum field_type t;
    const char *rhs;
    struct value v;
    enum tri want;
  } cases[] = {
    { OP_EQ, FT_CHARBUF, "bash", S ("bash"), TRI_TRUE },
    { OP_STARTSWITH, FT_FSPATH, "/etc/", S ("/usr/lib/x86_64-linux-gnu/libc.so.6"), TRI_FALSE },
    { OP_CONTAINS, FT_CHARBUF, "--password", S ("/usr/bin/curl -sSL https://example.com/install.sh"),
      TRI_FALSE },
    { OP_ICONTAINS, FT_CHARBUF, "secret", S ("/usr/bin/curl -sSL https://example.com/install.sh"),
      TRI_FALSE },
    { OP_GLOB, FT_FSPATH, "/home/*/.ssh/*", S ("/home/user/.ssh/authorized_keys"), TRI_TRUE },
    { OP_GE, FT_PORT, "30000", U (31000), TRI_TRUE },
    { OP_EQ, FT_IPNET, "127.0.0.0/8", IP ("10.1.2.3"), TRI_FALSE },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      struct operand *o = prep (cases[i].op, cases[i].t, cases[i].rhs);
      double ns = ns_per_match (o, &cases[i].v, cases[i].want);
      fprintf (stderr, "%-12s %-16s %6.1f ns\n", op_label (cases[i].op), cases[i].rhs, ns);
      /* generous: sanitizer builds are several times slower */
      ck_assert_msg (ns < 2000, "'%s' took %.0f ns", cases[i].rhs, ns);
      operand_free (o);
    }

  const char *shells[] = { "ash", "bash", "csh", "ksh", "sh", "tcsh", "zsh", "dash", "fish" };
  struct operand *o = prep_list (OP_IN, FT_CHARBUF, false, shells, ARRAY_SIZE (shells));
  struct value v = S ("python3");
  fprintf (stderr, "%-29s %6.1f ns\n", "in (9 shells)", ns_per_match (o, &v, TRI_FALSE));
  operand_free (o);
  const char *dirs[] = { "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin" };
  o = prep_list (OP_PMATCH, FT_FSPATH, false, dirs, ARRAY_SIZE (dirs));
  v = S ("/usr/local/lib/python3/site-packages/x.py");
  fprintf (stderr, "%-29s %6.1f ns\n", "pmatch (5 dirs)", ns_per_match (o, &v, TRI_FALSE));
  operand_free (o);
}
END_TEST

static Suite *
ops_suite (void)
{
  Suite *s = suite_create ("ops");
  TCase *tc = tcase_create ("operators");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_allowed_strings);
  tcase_add_test (tc, test_allowed_other_types);
  tcase_add_test (tc, test_allowed_lists);
  tcase_add_test (tc, test_not_allowed_messages);
  tcase_add_test (tc, test_arity);
  tcase_add_test (tc, test_operand_strings);
  tcase_add_test (tc, test_string_equality_and_order);
  tcase_add_test (tc, test_string_substrings);
  tcase_add_test (tc, test_string_glob);
  tcase_add_test (tc, test_glob_match);
  tcase_add_test (tc, test_bytebuf);
  tcase_add_test (tc, test_numbers);
  tcase_add_test (tc, test_ports);
  tcase_add_test (tc, test_bools);
  tcase_add_test (tc, test_ipaddr);
  tcase_add_test (tc, test_ipnet);
  tcase_add_test (tc, test_cidr);
  tcase_add_test (tc, test_in_strings);
  tcase_add_test (tc, test_in_lists);
  tcase_add_test (tc, test_in_numbers);
  tcase_add_test (tc, test_in_million);
  tcase_add_test (tc, test_path_prefix_match);
  tcase_add_test (tc, test_pmatch);
  tcase_add_test (tc, test_pmatch_many);
  tcase_add_test (tc, test_regex);
  tcase_add_test (tc, test_regex_catastrophic);
  tcase_add_test (tc, test_match_values);
  tcase_add_test (tc, test_speed);
  suite_add_tcase (s, tc);

  tc = tcase_create ("transformers");
  tcase_add_test (tc, test_transform_case_and_basename);
  tcase_add_test (tc, test_transform_b64);
  tcase_add_test (tc, test_transform_len);
  tcase_add_test (tc, test_transform_types);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (ops_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
