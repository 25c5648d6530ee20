#include <stdbool.h>
#include <stddef.h>
#include <mosquitto.h>

// libmosquitto's client API has no C-variadic functions; these fixed-arity wrappers keep the
// Swift side free of option enums and of the protocol-version constant.

/// Creates a client speaking MQTT 3.1.1 (persistent session unless `clean_session`).
static inline struct mosquitto *cmosq_new_v311(const char *id, bool clean_session, void *obj) {
  struct mosquitto *m = mosquitto_new(id, clean_session, obj);
  if (m) mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  return m;
}

/// The message's fields, for Swift (the struct's layout stays on this side).
static inline const char *cmosq_message_topic(const struct mosquitto_message *m) { return m->topic; }
static inline const void *cmosq_message_payload(const struct mosquitto_message *m) { return m->payload; }
static inline int cmosq_message_length(const struct mosquitto_message *m) { return m->payloadlen; }
