#include "proxy/decisions_endpoint.hpp"

#include <array>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "proxy/asio_types.hpp"
#include "proxy/decision_query.hpp"

namespace gatehouse::proxy {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace net::experimental::awaitable_operators;

namespace {

// A follower that stops reading loses lines (counted); one that stops reading *and* leaves its
// socket full gives up after this long, so a dead reader does not pin a session.
constexpr std::chrono::seconds kWriteTimeout{10};
constexpr std::string_view kNdjson = "application/x-ndjson";

using Request = http::request<http::string_body>;

std::string lines_of(const std::vector<std::shared_ptr<const Decision>>& decisions) {
  std::string out;
  for (const auto& decision : decisions) {
    out += decision->json;
    out.push_back('\n');
  }
  return out;
}

std::string lines_of(const DecisionFollower::Batch& batch) {
  std::string out = lines_of(batch.decisions);
  if (batch.dropped > 0) out += "{\"dropped\":" + std::to_string(batch.dropped) + "}\n";
  return out;
}

net::awaitable<bool> reply(beast::tcp_stream& stream, const Request& request, http::status status,
                           std::string_view content_type, std::string body) {
  http::response<http::string_body> msg{status, request.version()};
  msg.set(http::field::content_type, content_type);
  if (status == http::status::method_not_allowed) msg.set(http::field::allow, "GET");
  msg.body() = std::move(body);
  msg.keep_alive(request.keep_alive());
  msg.prepare_payload();
  stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await http::async_write(stream, msg, tok);
  co_return !ec;
}

net::awaitable<bool> write_chunk(beast::tcp_stream& stream, const std::string& data) {
  stream.expires_after(kWriteTimeout);
  auto [ec, n] = co_await net::async_write(stream, http::make_chunk(net::buffer(data)), tok);
  co_return !ec;
}

// Waits until the follower has news (its wake cancels `timer`) or the client's side of the
// connection says something; false when the client closed it (or stop() did).
net::awaitable<bool> wait_for_news(beast::tcp_stream& stream, net::steady_timer& timer) {
  timer.expires_at(net::steady_timer::time_point::max());
  auto first =
      co_await (timer.async_wait(tok) || stream.socket().async_wait(tcp::socket::wait_read, tok));
  if (first.index() == 0) co_return true;
  // Readable: the client closed (or sent bytes we have no use for while streaming).
  std::array<char, 512> discard{};
  error_code ec;
  stream.socket().read_some(net::buffer(discard), ec);
  co_return !ec;
}

net::awaitable<bool> follow(beast::tcp_stream& stream, const Request& request,
                            DecisionStream& decisions, const DecisionQuery& query) {
  const auto executor = stream.get_executor();
  auto timer = std::make_shared<net::steady_timer>(executor);
  // Called on a worker thread: it only schedules the cancel on our own (control) thread, where
  // the timer lives; the weak pointer lets it miss a session that has already ended.
  auto wake = [executor, weak = std::weak_ptr<net::steady_timer>{timer}] {
    net::post(executor, [weak] {
      if (const auto t = weak.lock()) t->cancel();
    });
  };
  auto subscription = decisions.follow(query.filter, query.limit, std::move(wake));

  http::response<http::empty_body> head{http::status::ok, request.version()};
  head.set(http::field::content_type, kNdjson);
  head.chunked(true);
  head.keep_alive(false);  // the stream ends with the connection
  http::response_serializer<http::empty_body> serializer{head};
  stream.expires_after(kWriteTimeout);
  if (auto [ec, n] = co_await http::async_write_header(stream, serializer, tok); ec) {
    co_return false;
  }
  if (const auto backlog = lines_of(subscription.backlog); !backlog.empty()) {
    if (!co_await write_chunk(stream, backlog)) co_return false;
  }
  for (;;) {
    const auto batch = subscription.follower->take();
    if (const auto lines = lines_of(batch); !lines.empty()) {
      if (!co_await write_chunk(stream, lines)) co_return false;
    }
    if (batch.closed) break;
    if (!batch.decisions.empty() || batch.dropped > 0) continue;  // more may have come meanwhile
    stream.expires_never();
    if (!co_await wait_for_news(stream, *timer)) co_return false;
  }
  stream.expires_after(kWriteTimeout);
  [[maybe_unused]] auto ended = co_await net::async_write(stream, http::make_chunk_last(), tok);
  co_return false;
}

// What a non-streaming request gets (or nothing: a valid follow=1 request streams).
struct PlainAnswer {
  http::status status = http::status::ok;
  std::string_view content_type = kNdjson;
  std::string body;
};

std::optional<PlainAnswer> plain_answer(
    const Request& request, const DecisionStream* decisions,
    const boost::system::result<DecisionQuery, std::string>& query) {
  constexpr std::string_view kText = "text/plain; charset=utf-8";
  if (request.method() != http::verb::get) {
    return PlainAnswer{http::status::method_not_allowed, kText, "method not allowed\n"};
  }
  if (decisions == nullptr) {
    return PlainAnswer{http::status::not_found, kText,
                       "decision stream disabled (-decisions-buffer 0)\n"};
  }
  if (!query) return PlainAnswer{http::status::bad_request, kText, query.error() + "\n"};
  if (query->follow && request.version() < 11) {
    return PlainAnswer{http::status::bad_request, kText,
                       "follow=1 needs HTTP/1.1 (the stream is chunked)\n"};
  }
  if (query->follow) return std::nullopt;
  return PlainAnswer{http::status::ok, kNdjson,
                     lines_of(decisions->snapshot(query->filter, query->limit))};
}

}  // namespace

bool is_decisions_target(std::string_view target) {
  return target.substr(0, target.find('?')) == "/decisions";
}

net::awaitable<bool> serve_decisions(beast::tcp_stream& stream, const Request& request,
                                     std::shared_ptr<DecisionStream> decisions) {
  const std::string_view target{request.target().data(), request.target().size()};
  const auto question = target.find('?');
  const auto query = parse_decision_query(
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1));
  // Named, never temporaries inside the co_await (GCC 12 can destroy those twice).
  auto answer = plain_answer(request, decisions.get(), query);
  if (!answer) co_return co_await follow(stream, request, *decisions, *query);
  co_return co_await reply(stream, request, answer->status, answer->content_type,
                           std::move(answer->body));
}

}  // namespace gatehouse::proxy
