// Fixed-arity wrappers around libmicrohttpd's C-variadic entry points: Swift does not import
// variadic C functions, and clang compiles these static inline functions when the module is imported.
// The TLS helpers call GnuTLS directly (libmicrohttpd is built on it), for client-certificate checks.
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>

/// Turns GnuTLS's optional client-certificate request (what libmicrohttpd 0.9.75 asks for when a
/// trust list is set) into a required and verified one, on each new TLS connection: the handshake
/// then fails for a client without a certificate or with one the trust list does not sign.
static void cmhd_require_client_certificate(void *cls, struct MHD_Connection *connection,
    void **socket_context, enum MHD_ConnectionNotificationCode code) {
  (void) cls; (void) socket_context;
  if (code != MHD_CONNECTION_NOTIFY_STARTED) return;
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  if (info == NULL || info->tls_session == NULL) return;
  gnutls_session_t session = (gnutls_session_t) info->tls_session;
  gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
  gnutls_session_set_verify_cert(session, NULL, 0);
}

/// Whether the connection's TLS peer presented a certificate that verifies against the trust list
/// (1), did not (0), or the connection is not TLS (-1).
static inline int cmhd_client_certificate_verified(struct MHD_Connection *connection) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  if (info == NULL || info->tls_session == NULL) return -1;
  gnutls_session_t session = (gnutls_session_t) info->tls_session;
  unsigned int status = 0;
  unsigned int count = 0;
  if (gnutls_certificate_get_peers(session, &count) == NULL || count == 0) return 0;
  if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS) return 0;
  return status == 0 ? 1 : 0;
}

/// Starts a daemon bound to `address` (port 0 picks an ephemeral port) with the given limits.
/// `thread_pool_size` 0 or 1 means one internal polling thread; `connection_timeout_seconds` 0 means none.
/// `uri_log` runs when a request line has been read, before the headers (libmicrohttpd may answer a
/// request itself before the access handler ever runs; this is where such a request is first seen).
/// With `tls_key_pem` and `tls_cert_pem` (PEM text, kept alive by the caller while the daemon runs)
/// the daemon speaks HTTPS (`flags` must then hold MHD_USE_TLS); with `tls_client_ca_pem` too, every
/// client must present a certificate signed by that CA.
static inline struct MHD_Daemon *cmhd_start(unsigned int flags, const struct sockaddr *address,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls,
    void *(*uri_log)(void *cls, const char *uri, struct MHD_Connection *connection), void *uri_log_cls,
    unsigned int connection_limit, unsigned int connection_timeout_seconds,
    unsigned int thread_pool_size, size_t connection_memory_limit, unsigned int listen_backlog,
    const char *tls_key_pem, const char *tls_cert_pem, const char *tls_client_ca_pem) {
  struct MHD_OptionItem tls[5];
  int count = 0;
  if (tls_key_pem != NULL && tls_cert_pem != NULL) {
    tls[count++] = (struct MHD_OptionItem) { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *) tls_key_pem };
    tls[count++] = (struct MHD_OptionItem) { MHD_OPTION_HTTPS_MEM_CERT, 0, (void *) tls_cert_pem };
    if (tls_client_ca_pem != NULL) {
      tls[count++] = (struct MHD_OptionItem) { MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *) tls_client_ca_pem };
      tls[count++] = (struct MHD_OptionItem) { MHD_OPTION_NOTIFY_CONNECTION,
          (intptr_t) cmhd_require_client_certificate, NULL };
    }
  }
  tls[count] = (struct MHD_OptionItem) { MHD_OPTION_END, 0, NULL };
  return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_cls,
      MHD_OPTION_SOCK_ADDR, address,
      MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
      MHD_OPTION_URI_LOG_CALLBACK, uri_log, uri_log_cls,
      MHD_OPTION_CONNECTION_LIMIT, connection_limit,
      MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
      MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, listen_backlog,
      MHD_OPTION_ARRAY, tls,
      MHD_OPTION_END);
}

/// Whether this libmicrohttpd was built with TLS support.
static inline int cmhd_supports_tls(void) { return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES; }

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
