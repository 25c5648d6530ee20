// Fixed-arity wrappers around libmicrohttpd's C-variadic entry points: Swift does not import
// variadic C functions, and clang compiles these static inline functions when the module is imported.
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Starts a daemon bound to `address` (port 0 picks an ephemeral port) with the given limits.
/// `thread_pool_size` 0 or 1 means one internal polling thread; `connection_timeout_seconds` 0 means none.
static inline struct MHD_Daemon *cmhd_start(unsigned int flags, const struct sockaddr *address,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls,
    unsigned int connection_limit, unsigned int connection_timeout_seconds,
    unsigned int thread_pool_size, size_t connection_memory_limit, unsigned int listen_backlog) {
  return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_cls,
      MHD_OPTION_SOCK_ADDR, address,
      MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
      MHD_OPTION_CONNECTION_LIMIT, connection_limit,
      MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
      MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, listen_backlog,
      MHD_OPTION_END);
}

/// The port the daemon's listening socket is bound to, or 0 when it is unknown.
static inline uint16_t cmhd_bound_port(struct MHD_Daemon *daemon) {
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info == NULL ? 0 : info->port;
}

/// The number of connections the daemon currently holds, or 0 when it is unknown.
static inline unsigned int cmhd_current_connections(struct MHD_Daemon *daemon) {
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
  return info == NULL ? 0 : info->num_connections;
}
