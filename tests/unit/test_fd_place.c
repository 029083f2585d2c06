/* Unit tests for fd_place.c: where fcntl(F_DUPFD, min) puts its fd, read
 * from /proc/<pid>/fd and limits of a child whose table is laid out by
 * the test (not the test's own table: reading it opens an fd in it). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil/fd_place.h"

/* Every number below B in use (Check's own fds among them), from B up
 * only B + the given offsets. */
#define B 100

static void
table_of (const int *used, size_t n)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0)
    _exit (2);
  for (int fd = 0; fd < B; fd++)
    if (fcntl (fd, F_GETFD) < 0 && dup2 (null, fd) != fd)
      _exit (2);
  if (close_range (B, ~0u, 0) < 0)
    _exit (2);
  for (size_t i = 0; i < n; i++)
    if (dup2 (0, B + used[i]) != B + used[i])
      _exit (2);
}

/* A child with that table (and soft limit, if not 0), waiting. */
static pid_t
child_with (const int *used, size_t n, rlim_t soft)
{
  int p[2];
  char c;
  ck_assert_int_eq (pipe (p), 0);
  pid_t pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      struct rlimit rl;
      if (soft && (getrlimit (RLIMIT_NOFILE, &rl) < 0 || (rl.rlim_cur = soft, setrlimit (RLIMIT_NOFILE, &rl) < 0)))
        _exit (2);
      close (p[0]);
      table_of (used, n);
      if (write (p[1], "r", 1) != 1)
        _exit (2);
      pause ();
      _exit (0);
    }
  close (p[1]);
  ck_assert_int_eq (read (p[0], &c, 1), 1);
  close (p[0]);
  return pid;
}

static void
child_end (pid_t pid)
{
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

START_TEST (test_lowest_when_all_below_used)
{
  struct fd_place p;
  pid_t pid = child_with ((const int[]){ 5, 6 }, 2, 0);
  ck_assert_int_eq (fd_place_find (pid, B + 5, &p), 0);
  ck_assert (!p.lowest);
  ck_assert_uint_eq (p.n, B + 7);
  fd_place_release (&p);
  ck_assert_int_eq (fd_place_find (pid, B, &p), 0);
  ck_assert (p.lowest);
  ck_assert_uint_eq (p.n, B);
  fd_place_release (&p);
  child_end (pid);
}
END_TEST

START_TEST (test_exact_number_when_some_below_free)
{
  struct fd_place p;
  pid_t pid = child_with ((const int[]){ 5, 6, 8 }, 3, 0);
  ck_assert_int_eq (fd_place_find (pid, B + 5, &p), 0);
  ck_assert (!p.lowest);
  ck_assert_uint_eq (p.n, B + 7);
  /* 7 taken meanwhile (EBUSY): the next number free when read. */
  ck_assert_int_eq (fd_place_next (&p), 0);
  ck_assert_uint_eq (p.n, B + 9);
  fd_place_release (&p);
  ck_assert_int_eq (fd_place_find (pid, B + 4, &p), 0);
  ck_assert (!p.lowest);
  ck_assert_uint_eq (p.n, B + 4);
  fd_place_release (&p);
  child_end (pid);
}
END_TEST

START_TEST (test_limit)
{
  struct fd_place p;
  unsigned long limit;
  pid_t pid = child_with ((const int[]){ 3, 4, 6, 7 }, 4, B + 8);
  ck_assert_int_eq (fd_place_limit (pid, &limit), 0);
  ck_assert_uint_eq (limit, B + 8);
  ck_assert_int_eq (fd_place_find (pid, B + 8, &p), -EINVAL);
  fd_place_release (&p);
  ck_assert_int_eq (fd_place_find (pid, 0xffffffffu, &p), -EINVAL);
  fd_place_release (&p);
  ck_assert_int_eq (fd_place_find (pid, B + 6, &p), -EMFILE);
  fd_place_release (&p);
  ck_assert_int_eq (fd_place_find (pid, B + 5, &p), 0);
  ck_assert_uint_eq (p.n, B + 5);
  ck_assert_int_eq (fd_place_next (&p), -EMFILE);
  fd_place_release (&p);
  ck_assert_int_eq (fd_place_find (pid, B + 7, &p), -EMFILE);
  fd_place_release (&p);
  child_end (pid);
}
END_TEST

START_TEST (test_gone)
{
  struct fd_place p;
  ck_assert_int_eq (fd_place_find (0x3fffffff, B, &p), -ESRCH);
  fd_place_release (&p);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("fd_place");
  TCase *tc = tcase_create ("core");
  tcase_add_test (tc, test_lowest_when_all_below_used);
  tcase_add_test (tc, test_exact_number_when_some_below_free);
  tcase_add_test (tc, test_limit);
  tcase_add_test (tc, test_gone);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_set_fork_status (sr, CK_FORK);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
