/* Unit tests: identities of the files deny/kill rules name (object_ids.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/emulate_path.h"
#include "vigil/engine.h"
#include "vigil/object_ids.h"
#include "vigil/rules.h"

static char dir[64];
static char secret[128], other[128], link_[128], sub[128], subfile[128];

static void
write_file (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (text, f);
  fclose (f);
}

static void
setup (void)
{
  snprintf (dir, sizeof dir, "/tmp/vigil-objids.XXXXXX");
  ck_assert_ptr_nonnull (mkdtemp (dir));
  snprintf (secret, sizeof secret, "%s/secret", dir);
  snprintf (other, sizeof other, "%s/other", dir);
  snprintf (link_, sizeof link_, "%s/link", dir);
  snprintf (sub, sizeof sub, "%s/sub", dir);
  snprintf (subfile, sizeof subfile, "%s/sub/file", dir);
  write_file (secret, "s");
}

static void
teardown (void)
{
  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
  ck_assert_int_eq (system (cmd), 0);
}

/* The tracked paths that name path's file now. */
static size_t
names_of (struct object_ids *o, const char *path, const char **names)
{
  struct stat st;
  ck_assert_int_eq (stat (path, &st), 0);
  return object_ids_names (o, st.st_dev, st.st_ino, names, 4);
}

START_TEST (test_hard_link_is_the_file)
{
  const char *paths[] = { secret, subfile };
  const char *names[4];
  vigil_error_t err = NULL;
  struct object_ids *o = object_ids_new (paths, 2, &err);

  ck_assert_ptr_nonnull (o);
  ck_assert_int_eq (link (secret, link_), 0);
  ck_assert_int_eq (names_of (o, link_, names), 1);
  ck_assert_str_eq (names[0], secret);
  write_file (other, "o");
  ck_assert_int_eq (names_of (o, other, names), 0);
  object_ids_free (o);
}
END_TEST

START_TEST (test_replaced_and_created_files)
{
  const char *paths[] = { secret, subfile };
  const char *names[4];
  vigil_error_t err = NULL;
  struct object_ids *o = object_ids_new (paths, 2, &err);
  struct stat old;

  ck_assert_int_eq (stat (secret, &old), 0);
  /* A new file renamed over the name: the name follows the new file. */
  write_file (other, "new");
  ck_assert_int_eq (rename (other, secret), 0);
  ck_assert_int_eq (names_of (o, secret, names), 1);
  ck_assert_int_eq (object_ids_names (o, old.st_dev, old.st_ino, names, 4), 0);
  /* A missing directory and file, created later. */
  ck_assert_int_eq (mkdir (sub, 0755), 0);
  write_file (subfile, "f");
  ck_assert_int_eq (names_of (o, subfile, names), 1);
  ck_assert_str_eq (names[0], subfile);
  /* A directory on the way replaced by another. */
  char moved[160];
  snprintf (moved, sizeof moved, "%s/moved", dir);
  ck_assert_int_eq (rename (sub, moved), 0);
  ck_assert_int_eq (mkdir (sub, 0755), 0);
  write_file (subfile, "g");
  ck_assert_int_eq (names_of (o, subfile, names), 1);
  object_ids_free (o);
}
END_TEST

/* Lookups stat the paths again only after a change that concerns them. */
START_TEST (test_reads_only_after_changes)
{
  const char *paths[] = { secret };
  const char *names[4];
  vigil_error_t err = NULL;
  struct object_ids *o = object_ids_new (paths, 1, &err);

  unsigned long start = object_ids_reads (o);
  for (int i = 0; i < 10; i++)
    ck_assert_int_eq (names_of (o, secret, names), 1);
  ck_assert_uint_eq (object_ids_reads (o), start);
  write_file (other, "unrelated"); /* another name in the directory */
  ck_assert_int_eq (names_of (o, secret, names), 1);
  ck_assert_uint_eq (object_ids_reads (o), start);
  ck_assert_int_eq (rename (other, secret), 0);
  ck_assert_int_eq (names_of (o, secret, names), 1);
  unsigned long after = object_ids_reads (o);
  ck_assert_uint_gt (after, start);
  for (int i = 0; i < 10; i++)
    ck_assert_int_eq (names_of (o, secret, names), 1);
  ck_assert_uint_eq (object_ids_reads (o), after);
  object_ids_free (o);
}
END_TEST

static bool
collected (const char **paths, size_t n, const char *path)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (paths[i], path) == 0)
      return true;
  return false;
}

/* The path parameters of path syscalls are collected like fd.name, by
 * their field's key: from deny and kill rules only, each literal once,
 * any other comparison noted. */
START_TEST (test_collects_path_parameters)
{
  static const char yaml[]
      = "- rule: chmod\n  desc: d\n  condition: evt.type in (chmod, fchmodat) and evt.arg.filename in (/a, /b)\n"
        "  output: o\n  priority: WARNING\n  action: deny\n"
        "- rule: link\n  desc: d\n  condition: evt.type = link and (evt.arg.oldpath = /c or evt.arg[1] = /d)\n"
        "  output: o\n  priority: WARNING\n  action: kill\n"
        "- rule: unlink\n  desc: d\n  condition: evt.type = unlink and evt.arg.path = /a\n"
        "  output: o\n  priority: WARNING\n  action: deny\n"
        "- rule: seen\n  desc: d\n  condition: evt.type = chmod and evt.arg.filename = /logged\n"
        "  output: o\n  priority: WARNING\n  action: log\n";
  struct diag_list d = { 0 };
  struct rules_defs defs = { 0 };
  const char **paths;
  bool others = true;

  rules_load_buffer (&defs, diag_intern (&d, "t.yaml"), yaml, strlen (yaml), &d);
  struct ruleset *rs = rules_compile (&defs, NULL, &d);
  ck_assert_ptr_nonnull (rs);
  size_t n = object_ids_collect (rs, path_call_fields, &paths, &others);
  ck_assert_uint_eq (n, 4);
  ck_assert (collected (paths, n, "/a") && collected (paths, n, "/b") && collected (paths, n, "/c")
             && collected (paths, n, "/d"));
  ck_assert (!others);
  free (paths);
  static const char *const fd_name[] = { "fd.name", NULL };
  ck_assert_uint_eq (object_ids_collect (rs, fd_name, &paths, NULL), 0);
  ruleset_free (rs);
  rules_defs_free (&defs);
  diag_list_free (&d);
}
END_TEST

static Suite *
object_ids_suite (void)
{
  Suite *s = suite_create ("object_ids");
  TCase *tc = tcase_create ("core");
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_hard_link_is_the_file);
  tcase_add_test (tc, test_replaced_and_created_files);
  tcase_add_test (tc, test_reads_only_after_changes);
  tcase_add_test (tc, test_collects_path_parameters);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (object_ids_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
