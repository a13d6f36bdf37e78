#include "proxy/admin_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <map>
#include <optional>

#include "common/exception_text.hpp"
#include "common/listening_acceptor.hpp"
#include "proxy/authorization.hpp"
#include "proxy/decisions_endpoint.hpp"
#include "proxy/endpoint_text.hpp"
#include "proxy/logger.hpp"
#include "proxy/metrics_scrape.hpp"

namespace gatehouse::proxy {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Probes send tiny requests; anything bigger or slower is not a probe.
constexpr std::uint64_t kBodyLimit = 1024;
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
constexpr std::chrono::seconds kReadTimeout{10};
constexpr std::chrono::milliseconds kAcceptErrorPause{100};

}  // namespace

AdminReply admin_reply(std::string_view method, std::string_view target, bool ready, bool draining,
                       std::string_view unready_reason) {
  const auto path = target.substr(0, target.find('?'));
  if (path != "/ready" && path != "/health") return {404, "not found\n", ""};
  if (method != "GET") return {405, "method not allowed\n", "GET"};
  if (path == "/health") {
    if (draining) return {503, "draining\n", ""};
    return {200, "ok\n", ""};
  }
  if (draining) return {503, "draining\n", ""};
  if (!ready) return {503, "waiting for leaf certificate and CA roots\n", ""};
  if (!unready_reason.empty()) return {503, std::string{unready_reason} + "\n", ""};
  return {200, "ready\n", ""};
}

struct AdminServer::State {
  State(const net::any_io_executor& ex, std::shared_ptr<const Runtime> rt)
      : acceptor{ex}, runtime{std::move(rt)} {}
  tcp::acceptor acceptor;
  std::shared_ptr<const Runtime> runtime;
  std::map<std::uint64_t, beast::tcp_stream*> sessions;  // closed by stop()
  std::uint64_t next_session = 0;
  bool stopped = false;
};

namespace {

using StatePtr = std::shared_ptr<AdminServer::State>;

void log_unexpected(const std::exception_ptr& e) {
  if (!e) return;
  log_fields(
      spdlog::level::err,
      LogFields{}.add("event", "admin_crashed").add_quoted("error", common::exception_text(e)));
}

http::response<http::string_body> to_message(const AdminReply& reply, unsigned version,
                                             bool keep_alive) {
  http::response<http::string_body> msg{static_cast<http::status>(reply.status), version};
  msg.set(http::field::content_type, "text/plain; charset=utf-8");
  if (!reply.allow.empty()) msg.set(http::field::allow, reply.allow);
  msg.body() = reply.body;
  msg.keep_alive(keep_alive);
  msg.prepare_payload();
  return msg;
}

// GET /metrics (proxy/metrics_scrape.hpp); nullopt for every other path (admin_reply's).
std::optional<http::response<http::string_body>> metrics_message(std::string_view method,
                                                                 std::string_view target,
                                                                 const Runtime& runtime,
                                                                 unsigned version,
                                                                 bool keep_alive) {
  if (target.substr(0, target.find('?')) != "/metrics") return std::nullopt;
  if (method != "GET") return to_message({405, "method not allowed\n", "GET"}, version, keep_alive);
  auto msg = to_message({200, scrape_metrics(runtime), ""}, version, keep_alive);
  msg.set(http::field::content_type, kMetricsContentType);
  return msg;
}

// One keep-alive connection: read a request, answer, until the peer closes, an error or stop().
net::awaitable<void> serve_session(tcp::socket socket, StatePtr state) {
  beast::tcp_stream stream{std::move(socket)};
  const auto id = state->next_session++;
  state->sessions.emplace(id, &stream);
  struct Unregister {
    StatePtr& s;
    std::uint64_t id;
    ~Unregister() { s->sessions.erase(id); }
  } unregister{state, id};

  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    parser.body_limit(kBodyLimit);
    stream.expires_after(kReadTimeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, tok);
    if (ec) break;  // end_of_stream, timeout, limits or stop: nothing sensible to answer
    const auto& request = parser.get();
    const auto method = request.method_string();
    const auto target = request.target();
    if (is_decisions_target(std::string_view{target.data(), target.size()})) {
      const bool more = co_await serve_decisions(stream, request, state->runtime->decisions);
      if (!more || !request.keep_alive() || state->stopped) break;
      continue;
    }
    const auto& authz = state->runtime->authz;
    const std::string unready = authz ? authz->unready_reason().value_or("") : std::string{};
    const auto reply =
        admin_reply(std::string_view{method.data(), method.size()},
                    std::string_view{target.data(), target.size()}, state->runtime->ready.load(),
                    state->runtime->draining.load(), unready);
    auto metrics = metrics_message(std::string_view{method.data(), method.size()},
                                   std::string_view{target.data(), target.size()}, *state->runtime,
                                   request.version(), request.keep_alive());
    auto out =
        metrics ? std::move(*metrics) : to_message(reply, request.version(), request.keep_alive());
    auto [wec, wn] = co_await http::async_write(stream, out, tok);
    if (wec || !request.keep_alive() || state->stopped) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);  // best effort on the way out
}

net::awaitable<void> accept_loop(StatePtr state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(tok);
    if (state->stopped || ec == net::error::operation_aborted) co_return;
    if (ec) {
      log_fields(spdlog::level::warn, LogFields{}
                                          .add("event", "accept_failed")
                                          .add("listener", "admin")
                                          .add_quoted("error", ec.message()));
      net::steady_timer pause{state->acceptor.get_executor(), kAcceptErrorPause};
      co_await pause.async_wait(tok);
      continue;
    }
    net::co_spawn(state->acceptor.get_executor(), serve_session(std::move(socket), state),
                  [](const std::exception_ptr& e) { log_unexpected(e); });
  }
}

}  // namespace

boost::system::result<std::unique_ptr<AdminServer>, std::string> AdminServer::bind(
    const net::any_io_executor& executor, const HostPort& address,
    std::shared_ptr<const Runtime> runtime) {
  error_code ec;
  const auto ip = net::ip::make_address(address.host, ec);
  if (ec) return "admin address " + address.host + ": not an IP address";
  const tcp::endpoint endpoint{ip, address.port};
  auto state = std::make_shared<State>(executor, std::move(runtime));
  auto& acceptor = state->acceptor;
  const auto where = "admin " + format_endpoint(endpoint);
  if (auto listening = common::listen_on(acceptor, endpoint, where); !listening) {
    return listening.error();
  }
  return std::unique_ptr<AdminServer>{new AdminServer{std::move(state)}};
}

AdminServer::AdminServer(std::shared_ptr<State> state) : state_{std::move(state)} {}

AdminServer::~AdminServer() { stop(); }

tcp::endpoint AdminServer::local_endpoint() const {
  error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

void AdminServer::start() {
  net::co_spawn(state_->acceptor.get_executor(), accept_loop(state_),
                [](const std::exception_ptr& e) { log_unexpected(e); });
  log_fields(spdlog::level::info, LogFields{}
                                      .add("event", "listening")
                                      .add("listener", "admin")
                                      .add("addr", format_endpoint(local_endpoint())));
}

void AdminServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  error_code ignored;
  state_->acceptor.close(ignored);  // ends the accept loop with operation_aborted
  for (auto& [id, stream] : state_->sessions) stream->socket().close(ignored);
}

}  // namespace gatehouse::proxy
