#include "proxy/inbound_connection.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>

#include "consul/caller_service.hpp"
#include "proxy/deadlines.hpp"
#include "proxy/decision_log.hpp"
#include "proxy/endpoint_text.hpp"
#include "proxy/errc.hpp"
#include "proxy/relay.hpp"

namespace gatehouse::proxy {

using namespace net::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// "what: why", naming OpenSSL's reason for TLS failures (e.g. "peer did not return a
// certificate", "wrong version number" for plain text, "certificate verify failed").
std::string describe(std::string_view what, const error_code& ec) {
  return std::string{what} + ": " + ec.message();
}

// "handshake: certificate verify failed (SSL routines); verify: certificate has expired;
// alert_sent: certificate expired": OpenSSL's reason, then what it leaves out.
std::string describe_handshake_failure(const TlsSocket& stream, const error_code& ec) {
  std::string reason = describe("handshake", ec);
  if (const auto detail = stream.handshake_failure_detail(); !detail.empty()) {
    reason += "; " + detail;
  }
  return reason;
}

std::string_view relay_end_name(const RelayResult& r) {
  // Checked first: a cancelled relay (drain) may report any branch as the first to finish.
  if (r.ec == net::error::operation_aborted) return "cancelled";
  if (r.ended_by == RelayEnd::idle_timeout) return "idle_timeout";
  if (r.ended_by == RelayEnd::client_failed) return "client_error";
  if (r.ec) return "app_error";
  return r.client_half_closed ? "client_closed" : "app_closed";
}

}  // namespace

namespace {

// After a relay that ended by itself: the app at once, then the caller's close_notify.
net::awaitable<void> close_after_relay(TlsSocket& client, tcp::socket& app,
                                       const Timeouts& timeouts, RelayEnding& ending) {
  const RelayResult& result = ending.result;
  error_code ignored;
  app.close(ignored);  // the relay is over; the app side has nothing more to say
  if (result.client_truncated) {
    client.next_layer().close(ignored);  // it skipped close_notify; it will not answer ours
  } else {
    co_await close_tls_within(client, timeouts.tls_shutdown);
  }
  ending.end = std::string{relay_end_name(result)};
  if (result.ec && result.ec != net::error::operation_aborted &&
      result.ended_by != RelayEnd::idle_timeout) {
    ending.end += ": " + result.ec.message();
  }
}

}  // namespace

net::awaitable<RelayEnding> relay_and_close(TlsSocket& client, tcp::socket& app,
                                            const Timeouts& timeouts) {
  RelayEnding ending;
  ending.result = co_await relay(client, app, timeouts.idle);
  co_await close_after_relay(client, app, timeouts, ending);
  co_return ending;
}

namespace {

// Revoked: close_notify to the caller first, so it sees the close as ours and clean, then the app;
// then the caller's answer is awaited like any close_notify.
net::awaitable<void> close_revoked(TlsSocket& client, tcp::socket& app) {
  co_await client.close_write();
  error_code ignored;
  app.close(ignored);
  co_await client.shutdown();
}

}  // namespace

net::awaitable<RelayEnding> relay_and_close(TlsSocket& client, tcp::socket& app,
                                            const Timeouts& timeouts,
                                            RevocationSignal& revocation) {
  RelayEnding ending;
  auto first =
      co_await (relay_into(client, app, timeouts.idle, ending.result) || revocation.wait());
  // The wait also ends when the drain cancels everything; only a revocation makes it `revoked`.
  if (first.index() == 0 || !revocation.revocation()) {
    co_await close_after_relay(client, app, timeouts, ending);
    co_return ending;
  }
  // The relay was cancelled mid-flight; ending.result holds the bytes it moved until then.
  ending.end = "revoked";
  net::steady_timer limit{client.get_executor(), timeouts.tls_shutdown};
  co_await (close_revoked(client, app) || limit.async_wait(tok));
  error_code ignored;
  app.close(ignored);
  client.next_layer().close(ignored);
  co_return ending;
}

net::awaitable<void> serve_inbound(tcp::socket socket, std::shared_ptr<Runtime> runtime,
                                   std::shared_ptr<Authorizer> authorizer,
                                   HandshakeGate& handshakes,
                                   // The frame owns the registration, so the connection
                                   // counts as live exactly as long as it runs.
                                   ConnectionRegistry::Entry entry, std::uint64_t conn_id) {
  // Drain cancels with a terminal signal; every step checks its error_code instead of throwing.
  co_await net::this_coro::throw_if_cancelled(false);
  const auto started = Clock::now();
  const ProxyConfig& config = runtime->config;
  ConnRecord rec;
  rec.conn_id = conn_id;
  rec.dst_service = config.service;
  error_code pec;
  if (const auto remote = socket.remote_endpoint(pec); !pec) rec.peer = format_endpoint(remote);
  const auto finish = [&](Outcome outcome, std::string reason) {
    rec.outcome = outcome;
    rec.reason = std::move(reason);
    rec.dur_ms = ms_since(started);
    runtime->report(rec);
  };

  const auto tls = runtime->server_tls.current();  // this snapshot lives as long as the frame
  if (!tls) {
    finish(Outcome::failed, "not_ready: no TLS certificate loaded yet");
    co_return;
  }
  const auto handshake_timeout = [&] {
    return "handshake_timeout: no complete TLS handshake within " +
           std::to_string(config.timeouts.handshake.count()) + " ms";
  };
  // A caller that has sent nothing costs its socket and this frame, nothing of OpenSSL's.
  const auto handshake_deadline = Clock::now() + config.timeouts.handshake;
  if (const error_code ec = co_await first_byte_by(socket, handshake_deadline)) {
    error_code ignored;
    socket.close(ignored);
    finish(Outcome::failed,
           ec == errc::handshake_timeout ? handshake_timeout() : describe("handshake", ec));
    co_return;
  }
  HandshakeGate::Ticket ticket = handshakes.try_enter();
  if (!ticket) {
    error_code ignored;
    socket.close(ignored);  // before any TLS byte: the caller sees a reset or EOF, may retry
    finish(Outcome::failed, "handshake_limit: " + std::to_string(handshakes.limit()) +
                                " TLS handshakes already in progress on this worker");
    co_return;
  }
  TlsSocket client{std::move(socket), tls->ssl_context().native_handle()};
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(handshake_deadline - Clock::now());
  if (const error_code ec =
          co_await handshake_within(client, std::max(left, std::chrono::milliseconds{1}))) {
    error_code ignored;
    client.next_layer().close(ignored);  // a failed or timed-out handshake leaves nothing to say
    finish(Outcome::failed, ec == errc::handshake_timeout ? handshake_timeout()
                                                          : describe_handshake_failure(client, ec));
    co_return;
  }
  ticket.release();

  rec.tls_resumed = SSL_session_reused(client.native_handle()) == 1;
  auto peer = tls::peer_identity(client.native_handle());
  if (!peer) {
    co_await close_tls_within(client, config.timeouts.tls_shutdown);
    finish(Outcome::failed, "identity: " + peer.error());
    co_return;
  }
  rec.src = peer->id.to_string();
  rec.serial = peer->serial_hex;
  const auto* service = peer->id.service();
  if (service == nullptr) {
    co_await close_tls_within(client, config.timeouts.tls_shutdown);
    finish(Outcome::failed, "identity: peer certificate is not a service identity");
    co_return;
  }
  rec.src_service = service->service;

  const auto authz_started = Clock::now();
  const Verdict verdict = co_await authorizer->check(*peer, config.service);
  rec.authz_us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - authz_started).count();
  rec.authz_ms = rec.authz_us / 1000;
  rec.decision_source = verdict.source;
  rec.intention = verdict.intention;
  // -audit lets a connection the intentions deny through, marked; never one that no decision
  // was made for (the agent could not be asked): the audit is about intentions, not outages.
  const bool audited = !verdict.allowed && config.audit && decided_by_intentions(verdict);
  if (!verdict.allowed && !audited) {
    // Denied: close_notify right away, with no application byte sent and the app never dialed.
    // To a client this looks like a clean close with zero bytes just after the handshake, while
    // an allowed connection to a silent app stays open; that is how a probe tells them apart.
    co_await close_tls_within(client, config.timeouts.tls_shutdown);
    finish(Outcome::denied, verdict.reason);
    co_return;
  }

  auto revocation = std::make_shared<RevocationSignal>(client.get_executor());
  entry.admitted(
      OpenInbound{conn_id, *peer, consul::caller_service(*service), verdict.intention, audited},
      revocation);

  tcp::socket app{client.get_executor()};
  if (const error_code ec =
          co_await connect_within(app, runtime->local_app, config.timeouts.local_connect)) {
    entry.closing();
    co_await close_tls_within(client, config.timeouts.tls_shutdown);
    finish(Outcome::failed, describe("connect_app " + format_endpoint(runtime->local_app), ec));
    co_return;
  }

  const RelayEnding ending = co_await relay_and_close(client, app, config.timeouts, *revocation);
  entry.closing();
  rec.bytes_in = ending.result.to_app;
  rec.bytes_out = ending.result.to_client;
  rec.end = ending.end;
  if (const auto& revoked = revocation->revocation(); revoked && ending.end == "revoked") {
    // The line names the decision that closed it, not the one that let it in.
    rec.decision_source = revoked->source;
    rec.intention = revoked->intention;
    finish(Outcome::revoked, revoked->reason);
    co_return;
  }
  finish(audited ? Outcome::audit_denied : Outcome::accepted, verdict.reason);
}

}  // namespace gatehouse::proxy
