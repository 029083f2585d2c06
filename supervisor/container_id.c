/* vigil: the container identity, from what a container can see of itself.
 *
 * The cgroup layouts are the ones Falco's container engines recognise
 * (docker, cri-o, containerd, podman): a path ends in
 * <prefix><64 hex digits><suffix>, prefix and suffix searched from the
 * end.  containerd's own namespaces (`ctr run`: /default/<name>) also
 * allow shorter, non-hex ids.  See container_id.h for the order of
 * sources. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vigil/container_id.h"
#include "vigil/error.h"

#define RUNTIME_ID_LEN 64
#define PROC_FILE_CAP (1u << 20) /* cgroup and mountinfo texts read at most */

extern char **environ;

struct cgroup_layout {
  const char *prefix, *suffix, *type;
};

/* Tried in order on each cgroup path; the plain "/<id>" form last but one
 * since every other layout also ends in an id. */
static const struct cgroup_layout layouts[] = {
  { "/docker-", ".scope", "docker" },               /* systemd docker */
  { "/crio-", ".scope", "cri-o" },                  /* systemd cri-o */
  { "/crio-", "", "cri-o" },                        /* cgroupfs cri-o */
  { "/cri-containerd-", ".scope", "containerd" },   /* systemd containerd */
  { ":cri-containerd:", "", "containerd" },         /* containerd without SystemdCgroup */
  { "/libpod-", ".scope/container", "podman" },     /* podman, cgroup split */
  { "/libpod-", ".scope", "podman" },               /* podman */
  { "/libpod-payload-", "", "podman" },             /* podman, cgroup mode split */
  { "/libpod-", "", "podman" },                     /* podman without systemd */
  { "/", "", NULL },                                /* cgroupfs docker, containerd */
};

/* ---- small string helpers over [s, s+n) ---- */

static const char *
rfind (const char *s, size_t n, const char *needle)
{
  size_t m = strlen (needle);
  if (m > n)
    return NULL;
  for (size_t i = n - m + 1; i-- > 0;)
    if (memcmp (s + i, needle, m) == 0)
      return s + i;
  return NULL;
}

static bool
ends_with (const char *s, size_t n, const char *suffix)
{
  size_t m = strlen (suffix);
  return n >= m && memcmp (s + n - m, suffix, m) == 0;
}

static bool
all_hex (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isxdigit ((unsigned char) s[i]))
      return false;
  return n > 0;
}

static bool
copy_id (const char *s, size_t n, char *full, size_t fullsz)
{
  if (n + 1 > fullsz)
    return false;
  memcpy (full, s, n);
  full[n] = '\0';
  return true;
}

/* ---- cgroup ---- */

/* Does path end in <prefix><64 hex><suffix>? */
static bool
match_layout (const char *path, size_t n, const struct cgroup_layout *l, char *full, size_t fullsz)
{
  const char *start = rfind (path, n, l->prefix);
  const char *end;

  if (start == NULL)
    return false;
  start += strlen (l->prefix);
  end = *l->suffix ? rfind (path, n, l->suffix) : path + n;
  if (end == NULL || end < start || (size_t) (end - start) != RUNTIME_ID_LEN)
    return false;
  if (!all_hex (start, RUNTIME_ID_LEN))
    return false;
  return copy_id (start, RUNTIME_ID_LEN, full, fullsz);
}

static bool
containerd_name_char (char c)
{
  return isalnum ((unsigned char) c) || c == '.' || c == '_' || c == '-';
}

/* containerd namespaces (`ctr`): /<namespace>/<id>, the id at most 64
 * characters and not a systemd unit; the namespace is the first
 * "/word/" of the path, as Falco's containerd engine takes it. */
static bool
match_containerd_ns (const char *path, size_t n, char *full, size_t fullsz)
{
  const char *p = path, *end = path + n;
  const char *ns, *id;

  if (p >= end || *p != '/')
    return false;
  ns = ++p;
  while (p < end && containerd_name_char (*p))
    p++;
  if (p == ns || p >= end || *p != '/')
    return false;
  id = p + 1;
  if (ends_with (path, n, ".service") || ends_with (path, n, ".slice") || ends_with (path, n, ".scope"))
    return false;
  size_t len = (size_t) (end - id);
  if (len == 0 || len > RUNTIME_ID_LEN)
    return false;
  for (const char *q = id; q < end; q++)
    if (!containerd_name_char (*q))
      return false;
  return copy_id (id, len, full, fullsz);
}

/* LXC names the cgroup after the container: /lxc/<name>/...,
 * /lxc.payload/<name>/... or /lxc.payload.<name>/... */
static bool
match_lxc (const char *path, size_t n, char *full, size_t fullsz)
{
  static const char *const prefixes[] = { "/lxc/", "/lxc.payload/", "/lxc.payload." };

  for (size_t i = 0; i < ARRAY_SIZE (prefixes); i++)
    {
      size_t pl = strlen (prefixes[i]);
      if (n > pl && memcmp (path, prefixes[i], pl) == 0)
        {
          const char *name = path + pl;
          const char *slash = memchr (name, '/', n - pl);
          size_t len = slash ? (size_t) (slash - name) : n - pl;
          return len > 0 && len <= RUNTIME_ID_LEN && copy_id (name, len, full, fullsz);
        }
    }
  return false;
}

/* container.type for a plain "/<64 hex>" path. */
static const char *
plain_type (const char *path, size_t n)
{
  if (rfind (path, n, "kubepods"))
    return "cri";
  return "docker";
}

static bool
match_path (const char *path, size_t n, char *full, size_t fullsz, const char **type)
{
  for (size_t i = 0; i < ARRAY_SIZE (layouts); i++)
    if (match_layout (path, n, &layouts[i], full, fullsz))
      {
        *type = layouts[i].type ? layouts[i].type : plain_type (path, n);
        return true;
      }
  if (match_lxc (path, n, full, fullsz))
    {
      *type = "lxc";
      return true;
    }
  if (match_containerd_ns (path, n, full, fullsz))
    {
      *type = "containerd";
      return true;
    }
  return false;
}

bool
container_id_from_cgroup (const char *cgroup, char *full, size_t fullsz, const char **type)
{
  const char *p = cgroup;

  if (cgroup == NULL)
    return false;
  while (*p)
    {
      const char *nl = strchr (p, '\n');
      const char *end = nl ? nl : p + strlen (p);
      /* hierarchy-ID:controllers:path, the path may itself hold ':' */
      const char *c1 = memchr (p, ':', (size_t) (end - p));
      const char *c2 = c1 ? memchr (c1 + 1, ':', (size_t) (end - c1 - 1)) : NULL;

      if (c2 && match_path (c2 + 1, (size_t) (end - c2 - 1), full, fullsz, type))
        return true;
      p = nl ? nl + 1 : end;
    }
  return false;
}

bool
container_cgroup_is_ns_root (const char *cgroup)
{
  if (cgroup == NULL)
    return false;
  return strcmp (cgroup, "0::/") == 0 || strcmp (cgroup, "0::/\n") == 0;
}

/* ---- mountinfo ---- */

/* The n-th (0-based) space-separated field of a line, or NULL. */
static const char *
field (const char *line, const char *end, int n, size_t *len)
{
  const char *p = line;

  for (int i = 0; i < n; i++)
    {
      p = memchr (p, ' ', (size_t) (end - p));
      if (p == NULL)
        return NULL;
      p++;
    }
  const char *sp = memchr (p, ' ', (size_t) (end - p));
  *len = (size_t) ((sp ? sp : end) - p);
  return p;
}

static bool
is_identity_file (const char *mnt, size_t n)
{
  static const char *const files[] = { "/etc/hostname", "/etc/hosts", "/etc/resolv.conf" };
  for (size_t i = 0; i < ARRAY_SIZE (files); i++)
    if (strlen (files[i]) == n && memcmp (mnt, files[i], n) == 0)
      return true;
  return false;
}

/* <marker><64 hex>/ somewhere in the mount's source path. */
static bool
id_after (const char *root, size_t n, const char *marker, char *full, size_t fullsz)
{
  const char *m = rfind (root, n, marker);
  size_t ml = strlen (marker);

  if (m == NULL || (size_t) (root + n - (m + ml)) < RUNTIME_ID_LEN + 1)
    return false;
  m += ml;
  if (!all_hex (m, RUNTIME_ID_LEN) || m[RUNTIME_ID_LEN] != '/')
    return false;
  return copy_id (m, RUNTIME_ID_LEN, full, fullsz);
}

bool
container_id_from_mountinfo (const char *mountinfo, char *full, size_t fullsz, const char **type)
{
  const char *p = mountinfo;

  if (mountinfo == NULL)
    return false;
  while (*p)
    {
      const char *nl = strchr (p, '\n');
      const char *end = nl ? nl : p + strlen (p);
      size_t rlen, mlen;
      const char *root = field (p, end, 3, &rlen);
      const char *mnt = field (p, end, 4, &mlen);

      if (root && mnt && is_identity_file (mnt, mlen))
        {
          if (id_after (root, rlen, "/containers/", full, fullsz))
            {
              *type = "docker";
              return true;
            }
          if (id_after (root, rlen, "/overlay-containers/", full, fullsz))
            {
              *type = "podman";
              return true;
            }
        }
      p = nl ? nl + 1 : end;
    }
  return false;
}

/* ---- identity ---- */

void
container_id_shorten (const char *full, char *out, size_t outsz)
{
  size_t n = strlen (full);

  if (outsz == 0)
    return;
  if (n > CONTAINER_SHORT_ID_LEN && all_hex (full, n))
    n = CONTAINER_SHORT_ID_LEN;
  if (n > outsz - 1)
    n = outsz - 1;
  memcpy (out, full, n);
  out[n] = '\0';
}

const char *
container_id_source_name (enum container_id_source s)
{
  switch (s)
    {
    case CONTAINER_ID_FLAG:
      return "--container-id";
    case CONTAINER_ID_ENV:
      return "VIGIL_CONTAINER_ID";
    case CONTAINER_ID_CGROUP:
      return "cgroup";
    case CONTAINER_ID_MOUNTINFO:
      return "mountinfo";
    case CONTAINER_ID_K8S:
      return "POD_NAME";
    case CONTAINER_ID_HOSTNAME:
      return "hostname";
    case CONTAINER_ID_HOST:
    default:
      return "host";
    }
}

/* A non-empty variable from envp. */
static const char *
env_get (char *const *envp, const char *name)
{
  size_t n = strlen (name);

  for (; envp && *envp; envp++)
    if (strncmp (*envp, name, n) == 0 && (*envp)[n] == '=' && (*envp)[n + 1] != '\0')
      return *envp + n + 1;
  return NULL;
}

static char *
dup_or_null (const char *s)
{
  return s ? xstrdup (s) : NULL;
}

static const char *
container_evidence (const struct container_probe *in)
{
  if (in->dockerenv)
    return "/.dockerenv";
  if (in->containerenv)
    return "/run/.containerenv";
  if (env_get (in->envp, "container"))
    return "the container environment variable";
  if (env_get (in->envp, "KUBERNETES_SERVICE_HOST") || env_get (in->envp, "POD_NAME"))
    return "Kubernetes environment variables";
  if (in->is_pid1)
    return "vigil is PID 1";
  if (container_cgroup_is_ns_root (in->cgroup))
    return "cgroup namespace root";
  return NULL;
}

static void
set_id (struct container_identity *out, const char *full, enum container_id_source source, const char *type)
{
  char shortid[CONTAINER_FULL_ID_MAX];
  size_t n = strlen (full);

  out->full_id = xstrdup (full);
  if (n > CONTAINER_SHORT_ID_LEN && all_hex (full, n))
    {
      container_id_shorten (full, shortid, sizeof shortid);
      out->id = xstrdup (shortid);
    }
  else
    out->id = xstrdup (full);
  out->source = source;
  out->type = dup_or_null (type);
}

void
container_identity_resolve (const struct container_probe *in, struct container_identity *out)
{
  char full[CONTAINER_FULL_ID_MAX];
  const char *type = NULL;
  const char *v;
  bool k8s = env_get (in->envp, "KUBERNETES_SERVICE_HOST") || env_get (in->envp, "POD_NAME");

  memset (out, 0, sizeof *out);
  out->evidence = container_evidence (in);
  out->k8s_pod_name = dup_or_null (env_get (in->envp, "POD_NAME"));
  out->k8s_ns_name = dup_or_null (env_get (in->envp, "POD_NAMESPACE"));
  out->k8s_pod_uid = dup_or_null (env_get (in->envp, "POD_UID"));
  out->k8s_pod_ip = dup_or_null (env_get (in->envp, "POD_IP"));

  if (in->flag_id && *in->flag_id)
    set_id (out, in->flag_id, CONTAINER_ID_FLAG, NULL);
  else if ((v = env_get (in->envp, "VIGIL_CONTAINER_ID")) != NULL)
    set_id (out, v, CONTAINER_ID_ENV, NULL);
  else if (container_id_from_cgroup (in->cgroup, full, sizeof full, &type))
    set_id (out, full, CONTAINER_ID_CGROUP, type);
  else if (!k8s && container_id_from_mountinfo (in->mountinfo, full, sizeof full, &type))
    set_id (out, full, CONTAINER_ID_MOUNTINFO, type);
  else if (out->k8s_pod_name)
    set_id (out, out->k8s_pod_name, CONTAINER_ID_K8S, NULL);
  else if (out->evidence)
    set_id (out, in->hostname && *in->hostname ? in->hostname : "unknown", CONTAINER_ID_HOSTNAME, NULL);
  else
    set_id (out, "host", CONTAINER_ID_HOST, NULL);

  /* A runtime id is evidence in itself. */
  if (out->evidence == NULL && out->source != CONTAINER_ID_HOST)
    out->evidence = container_id_source_name (out->source);

  if (in->flag_name && *in->flag_name)
    out->name = xstrdup (in->flag_name);
  else if ((v = env_get (in->envp, "VIGIL_CONTAINER_NAME")) != NULL)
    out->name = xstrdup (v);
  else if (out->k8s_pod_name)
    out->name = xstrdup (out->k8s_pod_name);
  else if (out->source == CONTAINER_ID_HOST)
    out->name = xstrdup ("host");

  if (in->flag_image && *in->flag_image)
    out->image = xstrdup (in->flag_image);
  else if ((v = env_get (in->envp, "VIGIL_CONTAINER_IMAGE")) != NULL)
    out->image = xstrdup (v);
}

void
container_identity_release (struct container_identity *ci)
{
  if (ci == NULL)
    return;
  free (ci->id);
  free (ci->full_id);
  free (ci->type);
  free (ci->name);
  free (ci->image);
  free (ci->k8s_pod_name);
  free (ci->k8s_ns_name);
  free (ci->k8s_pod_uid);
  free (ci->k8s_pod_ip);
  memset (ci, 0, sizeof *ci);
}

/* Read a /proc text file whole, at most PROC_FILE_CAP bytes; NULL if it
 * cannot be read. */
static char *
read_text (const char *path)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  size_t cap = 0, n = 0;
  char *buf = NULL;

  if (fd < 0)
    return NULL;
  for (;;)
    {
      ssize_t r;
      xgrow (&buf, &cap, n + 4096 + 1, 1);
      r = read (fd, buf + n, cap - n - 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        break;
      n += (size_t) r;
      if (n >= PROC_FILE_CAP)
        break;
    }
  buf[n] = '\0';
  return buf;
}

int
container_identity_detect (const char *flag_id, const char *flag_name, const char *flag_image,
                           struct container_identity *out, vigil_error_t *err)
{
  char host[HOST_NAME_MAX + 1];
  cleanup_free char *cgroup = read_text ("/proc/self/cgroup");
  cleanup_free char *mountinfo = read_text ("/proc/self/mountinfo");
  struct container_probe in = {
    .flag_id = flag_id,
    .flag_name = flag_name,
    .flag_image = flag_image,
    .envp = environ,
    .cgroup = cgroup,
    .mountinfo = mountinfo,
    .hostname = host,
    .dockerenv = access ("/.dockerenv", F_OK) == 0,
    .containerenv = access ("/run/.containerenv", F_OK) == 0,
    .is_pid1 = getpid () == 1,
  };

  memset (out, 0, sizeof *out);
  if (gethostname (host, sizeof host) < 0)
    return vigil_make_error (err, errno, "cannot read the hostname");
  host[sizeof host - 1] = '\0';
  container_identity_resolve (&in, out);
  return 0;
}
