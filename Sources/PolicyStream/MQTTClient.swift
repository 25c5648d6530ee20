internal import CMosquitto
import Foundation

/// An MQTT 3.1.1 client over libmosquitto, driven by ``loop(timeoutMilliseconds:)`` on one thread.
///
/// The only file that imports `CMosquitto`. Callbacks run inside `loop` on the calling thread, so
/// the handlers need no locking. The client keeps a persistent session (`clean_session` false):
/// the broker keeps its subscriptions and queued QoS 1 messages while it is disconnected.
final class MQTTClient {
  private let handle: OpaquePointer
  /// Called with each message's topic and payload.
  var onMessage: (String, UnsafeRawBufferPointer) -> Void = { _, _ in }
  /// Called when a connection attempt completes, with the broker's result code (0 is accepted).
  var onConnect: (Int32) -> Void = { _ in }
  /// Called when the connection ends, with 0 when we asked for it.
  var onDisconnect: (Int32) -> Void = { _ in }
  /// Called with a published message's id when the broker acknowledged it (QoS 1: PUBACK).
  var onPublish: (Int32) -> Void = { _ in }

  private static let initialized: Bool = { mosquitto_lib_init() == 0 }()

  /// Creates a client with id `clientID`.
  init(clientID: String, cleanSession: Bool = false) throws(MQTTError) {
    guard Self.initialized, let h = cmosq_new_v311(clientID, cleanSession, nil) else { throw MQTTError("cannot create an MQTT client") }
    handle = h
    mosquitto_user_data_set(h, Unmanaged.passUnretained(self).toOpaque())
    mosquitto_message_callback_set(h, messageCallback)
    mosquitto_connect_callback_set(h, connectCallback)
    mosquitto_disconnect_callback_set(h, disconnectCallback)
    mosquitto_publish_callback_set(h, publishCallback)
  }

  deinit { mosquitto_destroy(handle) }

  /// Connects (blocking for the TCP connect only); the broker's answer arrives in ``onConnect``.
  func connect(host: String, port: Int, keepaliveSeconds: Int32 = 30) -> Int32 {
    mosquitto_connect(handle, host, Int32(port), keepaliveSeconds)
  }

  /// Reconnects with the same settings.
  func reconnect() -> Int32 { mosquitto_reconnect(handle) }

  /// Disconnects cleanly.
  func disconnect() { _ = mosquitto_disconnect(handle) }

  /// Subscribes to `pattern` (`device/+/data`) with `qos`.
  func subscribe(_ pattern: String, qos: Int32) -> Int32 { mosquitto_subscribe(handle, nil, pattern, qos) }

  /// Publishes `payload` to `topic` with `qos` (queued; sent by ``loop(timeoutMilliseconds:)``);
  /// returns the result code and the message id ``onPublish`` will report.
  func publish(_ topic: String, _ payload: [UInt8], qos: Int32) -> (code: Int32, mid: Int32) {
    var mid: Int32 = 0
    let code = payload.withUnsafeBytes { mosquitto_publish(handle, &mid, topic, Int32($0.count), $0.baseAddress, qos, false) }
    return (code, mid)
  }

  /// Runs network I/O for up to `timeoutMilliseconds`; callbacks run inside. 0 while connected.
  func loop(timeoutMilliseconds: Int32) -> Int32 { mosquitto_loop(handle, timeoutMilliseconds, 1) }

  /// libmosquitto's text for a result code.
  static func describe(_ code: Int32) -> String { String(cString: mosquitto_strerror(code)) }

  fileprivate static func client(_ obj: UnsafeMutableRawPointer?) -> MQTTClient? {
    obj.map { Unmanaged<MQTTClient>.fromOpaque($0).takeUnretainedValue() }
  }
}

/// An MQTT failure, as a lowercase phrase.
public struct MQTTError: Error, Sendable, CustomStringConvertible {
  /// The message.
  public var description: String
  init(_ description: String) { self.description = description }
}

private let messageCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<mosquitto_message>?) -> Void = { _, obj, message in
  guard let client = MQTTClient.client(obj), let message, let topic = cmosq_message_topic(message) else { return }
  let payload = UnsafeRawBufferPointer(start: cmosq_message_payload(message), count: Int(max(0, cmosq_message_length(message))))
  client.onMessage(String(cString: topic), payload)
}

private let connectCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, obj, rc in
  MQTTClient.client(obj)?.onConnect(rc)
}

private let disconnectCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, obj, rc in
  MQTTClient.client(obj)?.onDisconnect(rc)
}

private let publishCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, obj, mid in
  MQTTClient.client(obj)?.onPublish(mid)
}
