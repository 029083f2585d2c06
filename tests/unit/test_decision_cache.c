/* Unit tests: the decision cache (decision_cache.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/decision_cache.h"

static struct decision_key
key (int nr, uint64_t flags, const char *path)
{
  struct decision_key k = { .arch = 0xc000003e, .nr = nr, .args = { 0xffffff9c, 0, flags, 0, 0, 0 } };
  k.path = path;
  k.path_len = path ? strlen (path) : 0;
  return k;
}

START_TEST (test_remembers_the_call_exactly)
{
  struct decision_cache *dc = decision_cache_new (64);
  struct decision_key k = key (257, 0, "/etc/hostname");
  char copy[] = "/etc/hostname";

  ck_assert (!decision_cache_has (dc, &k));
  decision_cache_add (dc, &k);
  ck_assert (decision_cache_has (dc, &k));
  /* The path is compared by its bytes, not its address. */
  struct decision_key same = key (257, 0, copy);
  ck_assert (decision_cache_has (dc, &same));
  /* Anything else in the call is another call. */
  struct decision_key other[] = {
    key (257, 1, "/etc/hostname"),  /* flags */
    key (2, 0, "/etc/hostname"),    /* syscall */
    key (257, 0, "/etc/hostnam"),   /* path */
    key (257, 0, "/etc/hostname/"), /* path */
    key (257, 0, NULL),             /* decided without a path */
  };
  for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
    ck_assert_msg (!decision_cache_has (dc, &other[i]), "key %zu", i);
  struct decision_key arch = k;
  arch.arch = 0x40000003;
  ck_assert (!decision_cache_has (dc, &arch));
  decision_cache_free (dc);
}
END_TEST

START_TEST (test_without_path)
{
  struct decision_cache *dc = decision_cache_new (64);
  struct decision_key k = key (257, 0, NULL);

  decision_cache_add (dc, &k);
  ck_assert (decision_cache_has (dc, &k));
  struct decision_key with = key (257, 0, "/etc/hostname");
  ck_assert (!decision_cache_has (dc, &with));
  decision_cache_free (dc);
}
END_TEST

/* Bounded: more keys than slots replace one another, and what is left
 * is still answered exactly. */
START_TEST (test_bounded)
{
  struct decision_cache *dc = decision_cache_new (8);
  char paths[100][16];

  for (int i = 0; i < 100; i++)
    {
      snprintf (paths[i], sizeof paths[i], "/p/%d", i);
      struct decision_key k = key (257, 0, paths[i]);
      decision_cache_add (dc, &k);
      ck_assert (decision_cache_has (dc, &k));
    }
  int kept = 0;
  for (int i = 0; i < 100; i++)
    {
      struct decision_key k = key (257, 0, paths[i]);
      kept += decision_cache_has (dc, &k);
    }
  ck_assert_int_le (kept, 8);
  ck_assert_int_ge (kept, 1);
  decision_cache_free (dc);
}
END_TEST

static Suite *
decision_cache_suite (void)
{
  Suite *s = suite_create ("decision_cache");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, test_remembers_the_call_exactly);
  tcase_add_test (tc, test_without_path);
  tcase_add_test (tc, test_bounded);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (decision_cache_suite ());
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
