/* vigil: the field catalogue of Falco's syscall source.
 *
 * These are the fields `falco --list=syscall` prints (libsinsp's filter
 * checks: evt, process/thread, user, group, fd, fs.path, fdlist, syslog)
 * plus the container.* and k8s.* fields that Falco now gets from its
 * `container` plugin and vigil provides as built-ins.  Names, argument
 * forms and types follow Falco; descriptions are short paraphrases.
 * Fields Falco hides from its listing (table-only ones) are left out.
 *
 * Types: Falco's INT8..INT32 are FT_INT64; UINT8..UINT32, UID, GID, MODE,
 * FLAGS* and ENUMFLAGS* are FT_UINT64: only signed/unsigned/string
 * matters to the operator checks.
 *
 * Availability marks:
 *   LIVE         the live supervisor (next milestone) supplies the value
 *                from what it sees of a syscall and of /proc; recorded
 *                events may carry it too.
 *   REPLAY       only recorded events (`vigil replay`) can carry it; a rule
 *                that needs it is evaluated in replay but is skipped by the
 *                live supervisor.
 *   UNSUPPORTED  it needs kernel-side observation vigil never has (CPU
 *                numbers, enter/exit latencies, scheduler accounting, I/O
 *                buffers of read/write, counters); rules using it are
 *                skipped everywhere.  The reason is noted at each entry.
 *
 * Argument forms (enum field_argmode): proc.aname[2] (FARG_INDEX, index
 * optional: without it the field means "any ancestor"), proc.env[HOME]
 * (FARG_KEY), container.mount.dest[/etc] (FARG_KEY_REQ: an index or a key),
 * evt.arg.flags / evt.arg[0] (FARG_ARG: a name after a dot, or an index). */
#include <stddef.h>

#include "vigil/error.h"
#include "vigil/fields.h"

/* Shared with fields.c (no header: only the two files use it). */
extern const struct field_def vigil_field_catalog[];
extern const size_t vigil_field_catalog_count;

#define F(name, type, arg, avail, flags, desc)                                                     \
  { name, FT_##type, arg, FIELD_##avail, flags, desc }

#define N FARG_NONE
#define NO_TR FIELD_F_NO_TRANSFORMER
#define NO_RHS FIELD_F_NO_RHS
/* Falco's filter-only fields (fd.ip, fd.port, fd.net...) take neither. */
#define FILTER_ONLY (NO_TR | NO_RHS)

const struct field_def vigil_field_catalog[] = {
  /* ---- evt: every event ---- */
  F ("evt.num", UINT64, N, LIVE, 0, "event number."),
  F ("evt.time", CHARBUF, N, LIVE, 0, "event timestamp as a local time string with nanoseconds."),
  F ("evt.time.s", CHARBUF, N, LIVE, 0, "event timestamp as a local time string without nanoseconds."),
  F ("evt.time.iso8601", CHARBUF, N, LIVE, 0,
     "event timestamp in ISO 8601 format (UTC), with nanoseconds."),
  /* evt.datetime* and evt.rawtime* are the same timestamp as evt.time,
     only formatted differently: live like evt.time. */
  F ("evt.datetime", CHARBUF, N, LIVE, 0, "event timestamp as a date and time string with nanoseconds."),
  F ("evt.datetime.s", CHARBUF, N, LIVE, 0, "event timestamp as a date and time string without nanoseconds."),
  F ("evt.rawtime", ABSTIME, N, LIVE, 0, "absolute event timestamp, nanoseconds since the epoch."),
  F ("evt.rawtime.s", ABSTIME, N, LIVE, 0, "integer part (seconds) of the event timestamp."),
  F ("evt.rawtime.ns", ABSTIME, N, LIVE, 0, "fractional part (nanoseconds) of the event timestamp."),
  F ("evt.reltime", RELTIME, N, REPLAY, 0, "nanoseconds since the beginning of the capture."),
  F ("evt.reltime.s", RELTIME, N, REPLAY, 0, "seconds since the beginning of the capture."),
  F ("evt.reltime.ns", RELTIME, N, REPLAY, 0,
     "fractional part (nanoseconds) of the time since the beginning of the capture."),
  F ("evt.pluginname", CHARBUF, N, REPLAY, 0, "name of the plugin that generated a plugin event."),
  F ("evt.plugininfo", CHARBUF, N, REPLAY, 0, "summary of a plugin event as formatted by its plugin."),
  F ("evt.source", CHARBUF, N, REPLAY, 0, "name of the event source that produced the event."),
  F ("evt.is_async", BOOL, N, REPLAY, 0, "'true' for asynchronous events."),
  F ("evt.asynctype", CHARBUF, N, REPLAY, 0, "type of an asynchronous event (e.g. 'container')."),
  F ("evt.hostname", CHARBUF, N, LIVE, 0,
     "hostname of the underlying host (FALCO_HOSTNAME, or a configured value, overrides it)."),

  /* ---- evt: syscall events ---- */
  /* Latencies need the enter and the exit of a syscall timed by the
     kernel; vigil only sees one side. (Deprecated in Falco too.) */
  F ("evt.latency", RELTIME, N, UNSUPPORTED, 0, "nanoseconds between an exit event and its enter event."),
  F ("evt.latency.s", RELTIME, N, UNSUPPORTED, 0, "integer part of the event latency."),
  F ("evt.latency.ns", RELTIME, N, UNSUPPORTED, 0, "fractional part of the event latency."),
  F ("evt.latency.human", CHARBUF, N, UNSUPPORTED, 0, "event latency as a human-readable string (e.g. 10.3ms)."),
  /* The delta to the previous event of the whole system's stream: vigil
     sees a filtered stream of one container, so it would mean nothing. */
  F ("evt.deltatime", RELTIME, N, UNSUPPORTED, 0, "nanoseconds between this event and the previous one."),
  F ("evt.deltatime.s", RELTIME, N, UNSUPPORTED, 0, "integer part of the delta to the previous event."),
  F ("evt.deltatime.ns", RELTIME, N, UNSUPPORTED, 0, "fractional part of the delta to the previous event."),
  F ("evt.outputtime", CHARBUF, N, LIVE, 0, "event time as the output time format selects (by default evt.time)."),
  F ("evt.dir", CHARBUF, N, LIVE, 0, "event direction: '>' for enter events, '<' for exit events."),
  F ("evt.type", CHARBUF, N, LIVE, 0, "name of the event (e.g. 'open')."),
  F ("evt.type.is", UINT64, FARG_ARG, REPLAY, 0,
     "1 if the event is of the type named after the dot (evt.type.is.open), 0 otherwise."),
  /* Every event the live supervisor sees is a system call, so this is
     evt.type there. */
  F ("syscall.type", CHARBUF, N, LIVE, 0,
     "for system call events, the name of the system call; unset for other events."),
  F ("evt.category", CHARBUF, N, REPLAY, 0, "event category (e.g. 'file', 'net', 'memory')."),
  /* Which CPU ran the syscall is the kernel's business. */
  F ("evt.cpu", INT64, N, UNSUPPORTED, 0, "number of the CPU where the event happened."),
  F ("evt.args", CHARBUF, N, LIVE, 0, "all the event arguments, aggregated into a single string."),
  F ("evt.arg", CHARBUF, FARG_ARG, LIVE, 0,
     "one event argument by name or number, rendered as text (evt.arg.fd, evt.arg[0])."),
  /* The type depends on the argument; fields.c resolves it per name. */
  F ("evt.rawarg", INT64, FARG_ARG, LIVE, NO_TR | NO_RHS,
     "one event argument by name, with its raw type (evt.rawarg.fd)."),
  F ("evt.info", CHARBUF, N, REPLAY, 0, "for most events the same as evt.args."),
  /* The data of reads and writes: vigil does not intercept I/O buffers. */
  F ("evt.buffer", BYTEBUF, N, UNSUPPORTED, 0, "binary data buffer of events that have one (read, recvfrom...)."),
  F ("evt.buflen", UINT64, N, UNSUPPORTED, 0, "length of the binary data buffer of events that have one."),
  F ("evt.res", CHARBUF, N, LIVE, 0, "return value as a string: an error code name (e.g. 'ENOENT') or 'SUCCESS'."),
  F ("evt.rawres", INT64, N, LIVE, 0, "return value as a number (e.g. -2)."),
  F ("evt.failed", BOOL, N, LIVE, 0, "'true' for events that returned an error status."),
  F ("evt.is_io", BOOL, N, REPLAY, 0, "'true' for events that read or write file descriptors."),
  F ("evt.is_io_read", BOOL, N, REPLAY, 0, "'true' for events that read from file descriptors."),
  F ("evt.is_io_write", BOOL, N, REPLAY, 0, "'true' for events that write to file descriptors."),
  F ("evt.io_dir", CHARBUF, N, REPLAY, 0, "'r' for events that read from FDs, 'w' for events that write to FDs."),
  F ("evt.is_wait", BOOL, N, REPLAY, 0, "'true' for events that make the thread wait (sleep, select, poll)."),
  /* Time spent blocked in the kernel: needs kernel timing. */
  F ("evt.wait_latency", RELTIME, N, UNSUPPORTED, 0, "for waiting events, the time spent waiting, in nanoseconds."),
  F ("evt.is_syslog", BOOL, N, REPLAY, 0, "'true' for writes to /dev/log."),
  /* Chisel counters over the whole event stream: meaningless per event
     of one container. */
  F ("evt.count", UINT64, N, UNSUPPORTED, 0, "always 1 (used to count events)."),
  F ("evt.count.error", UINT64, N, UNSUPPORTED, 0, "1 for events that returned an error."),
  F ("evt.count.error.file", UINT64, N, UNSUPPORTED, 0, "1 for file I/O events that returned an error."),
  F ("evt.count.error.net", UINT64, N, UNSUPPORTED, 0, "1 for network I/O events that returned an error."),
  F ("evt.count.error.memory", UINT64, N, UNSUPPORTED, 0, "1 for memory events that returned an error."),
  F ("evt.count.error.other", UINT64, N, UNSUPPORTED, 0, "1 for other events that returned an error."),
  F ("evt.count.exit", UINT64, N, UNSUPPORTED, 0, "1 for exit events."),
  /* A window around a timestamp of a capture file. */
  F ("evt.around", UINT64, FARG_INDEX_REQ, UNSUPPORTED, NO_TR | NO_RHS,
     "accepts events within D milliseconds of time T: evt.around[T]=D."),
  /* Falco spells the multi-path variants as names of their own. */
  F ("evt.abspath", CHARBUF, N, REPLAY, 0, "absolute path computed from dirfd and name (renameat, symlinkat...)."),
  F ("evt.abspath.src", CHARBUF, N, REPLAY, 0, "absolute source path of syscalls with two paths."),
  F ("evt.abspath.dst", CHARBUF, N, REPLAY, 0, "absolute destination path of syscalls with two paths."),
  F ("evt.is_open_read", BOOL, N, LIVE, 0, "'true' for open events where the path was opened for reading."),
  F ("evt.is_open_write", BOOL, N, LIVE, 0, "'true' for open events where the path was opened for writing."),
  F ("evt.is_open_exec", BOOL, N, LIVE, 0,
     "'true' for open or creat events that create a file with execute permissions."),
  /* Read off the open flags exactly like is_open_write. */
  F ("evt.is_open_create", BOOL, N, LIVE, 0, "'true' for open events that create a file."),

  /* ---- process and thread ---- */
  F ("proc.exe", CHARBUF, N, LIVE, 0, "first command line argument (argv[0]), usually the executable name."),
  F ("proc.pexe", CHARBUF, N, LIVE, 0, "proc.exe of the parent process."),
  F ("proc.aexe", CHARBUF, FARG_INDEX, LIVE, FIELD_F_ANY_ANCESTOR,
     "proc.exe of an ancestor: [0] the process, [1] its parent...; without index, any ancestor."),
  F ("proc.exepath", CHARBUF, N, LIVE, 0, "full executable path of the process, symlinks resolved."),
  F ("proc.pexepath", CHARBUF, N, LIVE, 0, "proc.exepath of the parent process."),
  F ("proc.aexepath", CHARBUF, FARG_INDEX, LIVE, FIELD_F_ANY_ANCESTOR,
     "proc.exepath of an ancestor: [0] the process, [1] its parent...; without index, any ancestor."),
  F ("proc.name", CHARBUF, N, LIVE, 0, "process name (task->comm, at most 16 characters)."),
  F ("proc.pname", CHARBUF, N, LIVE, 0, "proc.name of the parent process."),
  F ("proc.aname", CHARBUF, FARG_INDEX, LIVE, FIELD_F_ANY_ANCESTOR,
     "proc.name of an ancestor: [0] the process, [1] its parent...; without index, any ancestor."),
  F ("proc.args", CHARBUF, N, LIVE, 0, "command line arguments, without argv[0]."),
  F ("proc.cmdline", CHARBUF, N, LIVE, 0, "proc.name followed by proc.args."),
  F ("proc.pcmdline", CHARBUF, N, LIVE, 0, "proc.cmdline of the parent process."),
  F ("proc.acmdline", CHARBUF, FARG_INDEX, REPLAY, FIELD_F_ANY_ANCESTOR,
     "proc.cmdline of an ancestor: [0] the process, [1] its parent...; without index, any ancestor."),
  F ("proc.cmdnargs", UINT64, N, REPLAY, 0, "number of command line arguments (proc.args)."),
  F ("proc.cmdlenargs", UINT64, N, REPLAY, 0, "total length of the command line arguments, without separators."),
  F ("proc.exeline", CHARBUF, N, REPLAY, 0, "proc.exe followed by proc.args."),
  F ("proc.env", CHARBUF, FARG_KEY, LIVE, 0,
     "environment as 'NAME=value NAME1=value1', or the value of one variable: proc.env[NAME]."),
  F ("proc.aenv", CHARBUF, FARG_KEY, REPLAY, 0,
     "environment of an ancestor ([N]), or the first value of a variable among ancestors ([NAME])."),
  F ("proc.cwd", CHARBUF, N, LIVE, 0, "current working directory of the process."),
  F ("proc.loginshellid", INT64, N, LIVE, 0, "pid of the oldest shell among the ancestors of the process."),
  F ("proc.tty", UINT64, N, LIVE, 0, "controlling terminal of the process; 0 for none."),
  F ("proc.pid", INT64, N, LIVE, 0, "id of the process generating the event."),
  F ("proc.ppid", INT64, N, LIVE, 0, "pid of the parent process."),
  F ("proc.apid", INT64, FARG_INDEX, LIVE, FIELD_F_ANY_ANCESTOR,
     "pid of an ancestor: [0] the process, [1] its parent...; without index, any ancestor."),
  F ("proc.vpid", INT64, N, LIVE, 0, "pid of the process as seen from its PID namespace."),
  F ("proc.pvpid", INT64, N, REPLAY, 0, "pid of the parent as seen from its PID namespace."),
  F ("proc.sid", INT64, N, LIVE, 0, "session id of the process."),
  F ("proc.sname", CHARBUF, N, LIVE, 0, "name of the session leader of the process."),
  F ("proc.sid.exe", CHARBUF, N, REPLAY, 0, "argv[0] of the session leader of the process."),
  F ("proc.sid.exepath", CHARBUF, N, REPLAY, 0, "executable path of the session leader of the process."),
  F ("proc.vpgid", INT64, N, LIVE, 0, "process group id as seen from the PID namespace."),
  F ("proc.vpgid.name", CHARBUF, N, LIVE, 0, "name of the process group leader."),
  F ("proc.vpgid.exe", CHARBUF, N, LIVE, 0, "argv[0] of the process group leader."),
  F ("proc.vpgid.exepath", CHARBUF, N, REPLAY, 0, "executable path of the process group leader."),
  F ("proc.duration", RELTIME, N, LIVE, 0, "nanoseconds since the process started."),
  F ("proc.ppid.duration", RELTIME, N, LIVE, 0, "nanoseconds since the parent process started."),
  F ("proc.pid.ts", RELTIME, N, REPLAY, 0, "start of the process, nanoseconds since the epoch."),
  F ("proc.ppid.ts", RELTIME, N, REPLAY, 0, "start of the parent process, nanoseconds since the epoch."),
  F ("proc.is_exe_writable", BOOL, N, REPLAY, 0,
     "'true' if the executable is writable by the user that spawned the process."),
  F ("proc.is_exe_upper_layer", BOOL, N, LIVE, 0, "'true' if the executable lies in the upper layer of an overlayfs."),
  F ("proc.is_exe_from_memfd", BOOL, N, LIVE, 0, "'true' if the executable is an anonymous memfd_create() file."),
  F ("proc.is_sid_leader", BOOL, N, REPLAY, 0, "'true' if the process leads its session (proc.sid == proc.vpid)."),
  F ("proc.is_vpgid_leader", BOOL, N, LIVE, 0,
     "'true' if the process leads its process group (proc.vpgid == proc.vpid)."),
  F ("proc.exe_ino", INT64, N, LIVE, 0, "inode number of the executable file."),
  F ("proc.exe_ino.ctime", ABSTIME, N, LIVE, 0, "last status change time (ctime) of the executable file."),
  F ("proc.exe_ino.mtime", ABSTIME, N, LIVE, 0, "last modification time (mtime) of the executable file."),
  F ("proc.exe_ino.ctime_duration_proc_start", ABSTIME, N, LIVE, 0,
     "nanoseconds between the executable's ctime and the start of the process."),
  F ("proc.exe_ino.ctime_duration_pidns_start", ABSTIME, N, LIVE, 0,
     "nanoseconds between the start of the PID namespace and the executable's ctime."),
  F ("proc.pidns_init_start_ts", UINT64, N, REPLAY, 0, "start of the PID namespace, nanoseconds since the epoch."),
  F ("thread.cap_permitted", CHARBUF, N, LIVE, 0, "permitted capabilities set."),
  F ("thread.cap_inheritable", CHARBUF, N, LIVE, 0, "inheritable capabilities set."),
  F ("thread.cap_effective", CHARBUF, N, LIVE, 0, "effective capabilities set."),
  F ("proc.is_container_healthcheck", BOOL, N, REPLAY, 0,
     "'true' if the process runs as part of the container's health check (deprecated)."),
  F ("proc.is_container_liveness_probe", BOOL, N, REPLAY, 0,
     "'true' if the process runs as part of the container's liveness probe (deprecated)."),
  F ("proc.is_container_readiness_probe", BOOL, N, REPLAY, 0,
     "'true' if the process runs as part of the container's readiness probe (deprecated)."),
  /* Resource gauges sampled by the kernel driver: meaningless per event. */
  F ("proc.fdopencount", UINT64, N, UNSUPPORTED, 0, "number of open file descriptors of the process."),
  F ("proc.fdusage", DOUBLE, N, UNSUPPORTED, 0, "ratio of open to allowed file descriptors."),
  F ("proc.vmsize", UINT64, N, UNSUPPORTED, 0, "total virtual memory of the process, in kB."),
  F ("proc.vmrss", UINT64, N, UNSUPPORTED, 0, "resident memory of the process, in kB."),
  F ("proc.vmswap", UINT64, N, UNSUPPORTED, 0, "swapped memory of the process, in kB."),
  F ("thread.pfmajor", UINT64, N, UNSUPPORTED, 0, "major page faults since the thread started."),
  F ("thread.pfminor", UINT64, N, UNSUPPORTED, 0, "minor page faults since the thread started."),
  /* A per-process limit rather than a gauge: a recording may carry it. */
  F ("proc.fdlimit", INT64, N, REPLAY, 0, "maximum number of file descriptors the process can open."),
  F ("thread.tid", INT64, N, LIVE, 0, "id of the thread generating the event."),
  F ("thread.ismain", BOOL, N, REPLAY, 0, "'true' if the thread is the main thread of its process."),
  F ("thread.vtid", INT64, N, LIVE, 0, "id of the thread as seen from its PID namespace."),
  /* Scheduler accounting from context-switch events. */
  F ("thread.exectime", RELTIME, N, UNSUPPORTED, 0, "CPU time of the last scheduled thread (switch events only)."),
  F ("thread.totexectime", RELTIME, N, UNSUPPORTED, 0,
     "total CPU time of the thread since the capture started (switch events only)."),
  F ("thread.cgroups", CHARBUF, N, REPLAY, 0, "all cgroups of the thread, in a single string."),
  F ("thread.cgroup", CHARBUF, FARG_ARG, REPLAY, 0,
     "cgroup of the thread for one subsystem, named after the dot (thread.cgroup.cpuacct)."),
  F ("proc.nthreads", UINT64, N, REPLAY, 0, "number of live threads of the process, leader included."),
  F ("proc.nchilds", UINT64, N, REPLAY, 0, "number of live threads of the process, leader excluded."),
  /* CPU usage sampled over the last second. */
  F ("thread.cpu", DOUBLE, N, UNSUPPORTED, 0, "CPU consumed by the thread in the last second."),
  F ("thread.cpu.user", DOUBLE, N, UNSUPPORTED, 0, "user CPU consumed by the thread in the last second."),
  F ("thread.cpu.system", DOUBLE, N, UNSUPPORTED, 0, "system CPU consumed by the thread in the last second."),
  F ("thread.vmsize", UINT64, N, UNSUPPORTED, 0, "for the main thread, total virtual memory of the process (kB)."),
  F ("thread.vmrss", UINT64, N, UNSUPPORTED, 0, "for the main thread, resident memory of the process (kB)."),

  /* ---- user and group ---- */
  F ("user.uid", UINT64, N, LIVE, 0, "user id."),
  F ("user.name", CHARBUF, N, LIVE, 0, "user name."),
  F ("user.homedir", CHARBUF, N, LIVE, 0, "home directory of the user."),
  F ("user.shell", CHARBUF, N, LIVE, 0, "shell of the user."),
  F ("user.loginuid", INT64, N, LIVE, 0, "audit user id (auid); -1 when unset."),
  F ("user.loginname", CHARBUF, N, LIVE, 0, "audit user name (name of the auid)."),
  F ("group.gid", UINT64, N, LIVE, 0, "group id."),
  F ("group.name", CHARBUF, N, LIVE, 0, "group name."),

  /* ---- container (Falco's container plugin; built into vigil) ---- */
  F ("container.id", CHARBUF, N, LIVE, 0, "truncated container id (12 characters); 'host' outside containers."),
  F ("container.full_id", CHARBUF, N, LIVE, 0, "full container id."),
  F ("container.name", CHARBUF, N, LIVE, 0, "container name; 'host' outside containers."),
  F ("container.image", CHARBUF, N, LIVE, 0, "container image name (e.g. falcosecurity/falco:latest)."),
  F ("container.image.id", CHARBUF, N, LIVE, 0, "container image id (e.g. 6f7e2741b66b)."),
  F ("container.type", CHARBUF, N, LIVE, 0, "container type (docker, cri-o, containerd...)."),
  F ("container.privileged", BOOL, N, LIVE, 0, "'true' for privileged containers."),
  F ("container.mounts", CHARBUF, N, LIVE, 0,
     "space-separated list of mounts, each as source:dest:mode:rdrw:propagation."),
  F ("container.mount", CHARBUF, FARG_KEY_REQ, LIVE, 0,
     "one mount by index or by source (a glob), as source:dest:mode:rdrw:propagation."),
  F ("container.mount.source", CHARBUF, FARG_KEY_REQ, LIVE, 0, "mount source, by index or by destination (a glob)."),
  F ("container.mount.dest", CHARBUF, FARG_KEY_REQ, LIVE, 0, "mount destination, by index or by source (a glob)."),
  F ("container.mount.mode", CHARBUF, FARG_KEY_REQ, LIVE, 0, "mount mode, by index or by source (a glob)."),
  F ("container.mount.rdwr", CHARBUF, FARG_KEY_REQ, LIVE, 0, "mount read/write flag, by index or by source (a glob)."),
  F ("container.mount.propagation", CHARBUF, FARG_KEY_REQ, LIVE, 0,
     "mount propagation, by index or by source (a glob)."),
  F ("container.image.repository", CHARBUF, N, LIVE, 0, "container image repository (e.g. falcosecurity/falco)."),
  F ("container.image.tag", CHARBUF, N, LIVE, 0, "container image tag (e.g. latest)."),
  F ("container.image.digest", CHARBUF, N, LIVE, 0, "container image registry digest (sha256:...)."),
  F ("container.healthcheck", CHARBUF, N, REPLAY, 0, "container health check command (deprecated)."),
  F ("container.liveness_probe", CHARBUF, N, REPLAY, 0, "container liveness probe command (deprecated)."),
  F ("container.readiness_probe", CHARBUF, N, REPLAY, 0, "container readiness probe command (deprecated)."),
  F ("container.start_ts", ABSTIME, N, LIVE, 0, "container start, nanoseconds since the epoch."),
  F ("container.duration", RELTIME, N, LIVE, 0, "nanoseconds since container.start_ts."),
  F ("container.ip", CHARBUF, N, LIVE, 0, "primary IPv4 address of the container or pod."),
  /* CRI status data that only the runtime socket has. */
  F ("container.cni.json", CHARBUF, N, REPLAY, 0, "CNI result of the pod, as a JSON string."),
  /* Comparing with the host's namespaces needs a view of the host. */
  F ("container.host_pid", BOOL, N, REPLAY, 0, "'true' if the container shares the host PID namespace."),
  F ("container.host_network", BOOL, N, REPLAY, 0, "'true' if the container shares the host network namespace."),
  F ("container.host_ipc", BOOL, N, REPLAY, 0, "'true' if the container shares the host IPC namespace."),
  /* Runtime labels are not visible from inside the container. */
  F ("container.label", CHARBUF, FARG_ARG, REPLAY, 0, "one container label (container.label.foo, container.label[foo])."),
  F ("container.labels", CHARBUF, N, REPLAY, 0, "container labels as comma-separated key:value pairs."),

  /* ---- k8s (container plugin; live values come from the downward API) ---- */
  F ("k8s.ns.name", CHARBUF, N, LIVE, 0, "Kubernetes namespace name."),
  F ("k8s.pod.name", CHARBUF, N, LIVE, 0, "Kubernetes pod name."),
  F ("k8s.pod.id", CHARBUF, N, LIVE, 0, "legacy alias of k8s.pod.uid."),
  F ("k8s.pod.uid", CHARBUF, N, LIVE, 0, "Kubernetes pod UID."),
  /* The sandbox id comes from the runtime's cgroups, not the API. */
  F ("k8s.pod.sandbox_id", CHARBUF, N, REPLAY, 0, "truncated pod sandbox id (12 characters)."),
  F ("k8s.pod.full_sandbox_id", CHARBUF, N, REPLAY, 0, "full pod sandbox id."),
  F ("k8s.pod.label", CHARBUF, FARG_ARG, LIVE, 0,
     "one pod label (k8s.pod.label.foo, k8s.pod.label[app.kubernetes.io/name])."),
  F ("k8s.pod.labels", CHARBUF, N, LIVE, 0, "pod labels as comma-separated key:value pairs."),
  F ("k8s.pod.ip", CHARBUF, N, LIVE, 0, "pod IPv4 address."),
  F ("k8s.pod.cni.json", CHARBUF, N, REPLAY, 0, "CNI result of the pod, as a JSON string."),
  /* Deprecated in Falco (use the k8smeta plugin): replay only. */
  F ("k8s.rc.name", CHARBUF, N, REPLAY, 0, "replication controller name (deprecated)."),
  F ("k8s.rc.id", CHARBUF, N, REPLAY, 0, "replication controller id (deprecated)."),
  F ("k8s.rc.label", CHARBUF, FARG_ARG, REPLAY, 0, "replication controller label (deprecated)."),
  F ("k8s.rc.labels", CHARBUF, N, REPLAY, 0, "replication controller labels (deprecated)."),
  F ("k8s.svc.name", CHARBUF, N, REPLAY, 0, "service name (deprecated)."),
  F ("k8s.svc.id", CHARBUF, N, REPLAY, 0, "service id (deprecated)."),
  F ("k8s.svc.label", CHARBUF, FARG_ARG, REPLAY, 0, "service label (deprecated)."),
  F ("k8s.svc.labels", CHARBUF, N, REPLAY, 0, "service labels (deprecated)."),
  F ("k8s.ns.id", CHARBUF, N, REPLAY, 0, "namespace id (deprecated)."),
  F ("k8s.ns.label", CHARBUF, FARG_ARG, REPLAY, 0, "namespace label (deprecated)."),
  F ("k8s.ns.labels", CHARBUF, N, REPLAY, 0, "namespace labels (deprecated)."),
  F ("k8s.rs.name", CHARBUF, N, REPLAY, 0, "replica set name (deprecated)."),
  F ("k8s.rs.id", CHARBUF, N, REPLAY, 0, "replica set id (deprecated)."),
  F ("k8s.rs.label", CHARBUF, FARG_ARG, REPLAY, 0, "replica set label (deprecated)."),
  F ("k8s.rs.labels", CHARBUF, N, REPLAY, 0, "replica set labels (deprecated)."),
  F ("k8s.deployment.name", CHARBUF, N, REPLAY, 0, "deployment name (deprecated)."),
  F ("k8s.deployment.id", CHARBUF, N, REPLAY, 0, "deployment id (deprecated)."),
  F ("k8s.deployment.label", CHARBUF, FARG_ARG, REPLAY, 0, "deployment label (deprecated)."),
  F ("k8s.deployment.labels", CHARBUF, N, REPLAY, 0, "deployment labels (deprecated)."),

  /* ---- fd ---- */
  F ("fd.num", INT64, N, LIVE, 0, "number of the file descriptor."),
  F ("fd.type", CHARBUF, N, LIVE, 0, "type of FD: 'file', 'directory', 'ipv4', 'ipv6', 'unix', 'pipe', 'memfd'..."),
  F ("fd.typechar", CHARBUF, N, LIVE, 0,
     "type of FD as one character: 'f' file, '4'/'6' IPv4/IPv6 socket, 'u' unix socket, 'p' pipe..."),
  F ("fd.name", CHARBUF, N, LIVE, 0, "full name of the FD: the path of a file, the connection tuple of a socket."),
  F ("fd.directory", CHARBUF, N, LIVE, 0, "for files, the directory that contains the file."),
  F ("fd.filename", CHARBUF, N, LIVE, 0, "for files, the file name without the directory."),
  F ("fd.ip", IPADDR, N, LIVE, FILTER_ONLY, "matches the client or the server IP address of the FD."),
  F ("fd.cip", IPADDR, N, LIVE, 0, "client IP address."),
  F ("fd.sip", IPADDR, N, LIVE, 0, "server IP address."),
  F ("fd.lip", IPADDR, N, LIVE, 0, "local IP address."),
  F ("fd.rip", IPADDR, N, LIVE, 0, "remote IP address."),
  F ("fd.port", PORT, N, LIVE, FILTER_ONLY, "matches the client or the server port of the FD."),
  F ("fd.cport", PORT, N, LIVE, 0, "for TCP/UDP FDs, the client port."),
  F ("fd.sport", PORT, N, LIVE, 0, "for TCP/UDP FDs, the server port."),
  F ("fd.lport", PORT, N, LIVE, 0, "for TCP/UDP FDs, the local port."),
  F ("fd.rport", PORT, N, LIVE, 0, "for TCP/UDP FDs, the remote port."),
  F ("fd.l4proto", L4PROTO, N, LIVE, 0, "IP protocol of a socket: 'tcp', 'udp', 'icmp' or 'raw'."),
  F ("fd.sockfamily", CHARBUF, N, LIVE, 0, "socket family of socket events: 'ip' or 'unix'."),
  F ("fd.is_server", BOOL, N, REPLAY, 0, "'true' if the process owning the FD is the server end of the connection."),
  F ("fd.uid", CHARBUF, N, REPLAY, 0, "unique identifier of the FD: its number chained with the thread id."),
  F ("fd.containername", CHARBUF, N, REPLAY, 0, "container id chained with the FD name."),
  F ("fd.containerdirectory", CHARBUF, N, REPLAY, 0, "container id chained with the directory name."),
  F ("fd.proto", PORT, N, REPLAY, FILTER_ONLY, "matches the client or the server protocol of the FD."),
  F ("fd.cproto", CHARBUF, N, REPLAY, 0, "for TCP/UDP FDs, the client protocol."),
  F ("fd.sproto", CHARBUF, N, REPLAY, 0, "for TCP/UDP FDs, the server protocol."),
  F ("fd.lproto", CHARBUF, N, REPLAY, 0, "for TCP/UDP FDs, the local protocol."),
  F ("fd.rproto", CHARBUF, N, REPLAY, 0, "for TCP/UDP FDs, the remote protocol."),
  F ("fd.net", IPNET, N, LIVE, FILTER_ONLY, "matches the client or the server IP network of the FD."),
  F ("fd.cnet", IPNET, N, LIVE, FILTER_ONLY, "matches the client IP network of the FD."),
  F ("fd.snet", IPNET, N, LIVE, FILTER_ONLY, "matches the server IP network of the FD."),
  F ("fd.lnet", IPNET, N, LIVE, FILTER_ONLY, "matches the local IP network of the FD."),
  F ("fd.rnet", IPNET, N, LIVE, FILTER_ONLY, "matches the remote IP network of the FD."),
  F ("fd.connected", BOOL, N, LIVE, 0, "for TCP/UDP FDs, 'true' if the socket is connected."),
  F ("fd.name_changed", BOOL, N, LIVE, 0, "'true' when the event changed the name of its FD (e.g. a UDP tuple)."),
  /* Reverse DNS of the addresses: only what a recording carries. */
  F ("fd.cip.name", CHARBUF, N, REPLAY, NO_TR | NO_RHS, "domain name of the client IP address."),
  F ("fd.sip.name", CHARBUF, N, REPLAY, NO_TR | NO_RHS, "domain name of the server IP address."),
  F ("fd.lip.name", CHARBUF, N, REPLAY, NO_TR | NO_RHS, "domain name of the local IP address."),
  F ("fd.rip.name", CHARBUF, N, REPLAY, NO_TR | NO_RHS, "domain name of the remote IP address."),
  F ("fd.dev", INT64, N, REPLAY, 0, "device number (major/minor) of the file."),
  F ("fd.dev.major", INT64, N, REPLAY, 0, "major device number of the file."),
  F ("fd.dev.minor", INT64, N, REPLAY, 0, "minor device number of the file."),
  F ("fd.ino", INT64, N, REPLAY, 0, "inode number of the file."),
  F ("fd.nameraw", CHARBUF, N, LIVE, 0, "for files, the path as the syscall gave it, not made absolute."),
  F ("fd.types", CHARBUF, FARG_INDEX, REPLAY, FIELD_F_LIST | NO_TR | NO_RHS,
     "list of the FD types in use; fd.types[N] gives the type of FD N as a one-item list."),

  /* ---- fs.path ---- */
  F ("fs.path.name", CHARBUF, N, REPLAY, 0, "absolute path a filesystem syscall operates on."),
  F ("fs.path.nameraw", CHARBUF, N, REPLAY, 0, "path a filesystem syscall operates on, as given."),
  F ("fs.path.source", CHARBUF, N, REPLAY, 0, "absolute source path of syscalls with two paths (rename, link...)."),
  F ("fs.path.sourceraw", CHARBUF, N, REPLAY, 0, "source path of syscalls with two paths, as given."),
  F ("fs.path.target", CHARBUF, N, REPLAY, 0, "absolute target path of syscalls with two paths."),
  F ("fs.path.targetraw", CHARBUF, N, REPLAY, 0, "target path of syscalls with two paths, as given."),

  /* ---- syslog: decoded from the data of writes to /dev/log, which
     vigil does not intercept (like evt.buffer) ---- */
  F ("syslog.facility.str", CHARBUF, N, UNSUPPORTED, 0, "syslog facility as a string."),
  F ("syslog.facility", UINT64, N, UNSUPPORTED, 0, "syslog facility as a number (0-23)."),
  F ("syslog.severity.str", CHARBUF, N, UNSUPPORTED, 0, "syslog severity as a string (emerg, alert, ...)."),
  F ("syslog.severity", UINT64, N, UNSUPPORTED, 0, "syslog severity as a number (0-7)."),
  F ("syslog.message", CHARBUF, N, UNSUPPORTED, 0, "message sent to syslog."),

  /* ---- fdlist: poll events ---- */
  F ("fdlist.nums", CHARBUF, N, REPLAY, 0, "for poll events, comma-separated FD numbers of the 'fds' argument."),
  F ("fdlist.names", CHARBUF, N, REPLAY, 0, "for poll events, comma-separated FD names of the 'fds' argument."),
  F ("fdlist.cips", CHARBUF, N, REPLAY, 0, "for poll events, comma-separated client IPs of the 'fds' argument."),
  F ("fdlist.sips", CHARBUF, N, REPLAY, 0, "for poll events, comma-separated server IPs of the 'fds' argument."),
  F ("fdlist.cports", CHARBUF, N, REPLAY, 0, "for poll events, comma-separated client ports of the 'fds' argument."),
  F ("fdlist.sports", CHARBUF, N, REPLAY, 0, "for poll events, comma-separated server ports of the 'fds' argument."),
};

const size_t vigil_field_catalog_count = ARRAY_SIZE (vigil_field_catalog);
