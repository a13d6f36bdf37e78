// Outside bytes: everything an HTTP client sends the dev agent (`gatehouse dev-agent`): request
// line, method, path, query, headers and body, read by the server's own reader
// (tools/dev_agent/request_reader.hpp) and answered by its own per-request code
// (tools/dev_agent/http_exchange.hpp: Go's refusals, the target parse, then DevAgent::handle
// with routing, path cleaning, ACLs, query options, blocking parameters, `?filter=`, intentions,
// config entries, catalog, health, agent services and checks, CA roots and leaves).
//
// ONE agent serves every input, as a real agent serves a script: what an input writes stays for
// the next ones. The agent is replaced every kInputsPerAgent inputs (or when too many blocked
// queries pile up), alternating its flags (ACLs off / `-acl-token` with default deny / a deny
// default intention policy), so the state stays small and the target fast. With
// FUZZ_FRESH_AGENT=1 every input gets a new agent instead: for merging a corpus whose entries
// stand on their own (the accumulated state makes nearly every input look new otherwise).
//
// Input: connections separated by "\n~~\n" (at most kMaxConnections). A connection is
//   "!" [digit] bytes     the bytes exactly as sent (pipelined requests, garbage, cut-off
//                         requests); a leading digit d delivers them d bytes per read
//   METHOD SP TARGET ("\n" Name ": " value)* ["\n\n" body]
//                         one request, built as HTTP/1.1 with CRLFs, a Host header (unless one is
//                         given) and Content-Length (unless Content-Length or Transfer-Encoding is)
// Each connection runs on the agent's io_context, driven by hand: its requests are answered as
// far as they go without waiting; a blocking query that has nothing new stays blocked (later
// writes may wake it) and is released when the agent is replaced, so nothing waits on a clock.
// A request waiting for the CA worker (a leaf signing) is waited for. Requests that would make
// the CA generate an RSA key (`PUT /v1/connect/ca/configuration` naming rsa, a PEM key, or a JSON
// escape that could spell either) are answered 503 by the target instead: RSA key generation
// takes seconds. EC rotations are cheap and stay in.
//
// Invariants, for every answer: no exception escapes; Go's refusals are well-formed status lines;
// every response has a valid status, header values without CR, LF or NUL, a body parsing as JSON
// (UTF-8 included) whenever Content-Type is application/json, no body on HEAD, an
// X-Consul-Index that is a positive decimal, and never `500 Internal error: …` (a handler threw).
// After every input, a fixed list of views (intentions list, match, check, config entries,
// catalog services/nodes/service/connect/node, health service/connect/state/checks/node, agent
// services/checks/self, CA roots and configuration, authorize, leader) each answers 200 with
// JSON, and every service the agent lists answers 200 on /v1/agent/service/<id>.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/grammar/alnum_chars.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/exception_text.hpp"
#include "fuzz/fuzz_check.hpp"
#include "tools/dev_agent/dev_agent.hpp"
#include "tools/dev_agent/http_exchange.hpp"
#include "tools/dev_agent/printable_path.hpp"
#include "tools/dev_agent/request_reader.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using gatehouse::tools::DevAgent;
using gatehouse::tools::DevAgentOptions;
using gatehouse::tools::HttpAnswer;
using gatehouse::tools::Request;
using gatehouse::tools::Response;
using namespace std::string_view_literals;

constexpr std::size_t kMaxConnections = 16;
constexpr unsigned kInputsPerAgent = 16;
constexpr std::size_t kMaxBlocked = 24;
// Handlers one connection (or the release of the blocked ones) may run before it counts as a
// spin. A request takes tens; a big pipelined input a few thousand.
constexpr std::size_t kMaxHandlers = 200'000;
constexpr std::string_view kSeparator = "\n~~\n";
constexpr std::string_view kToken = "fuzz-root-token";
constexpr std::string_view kNode = "fuzz-node";

// The client side of one connection: the input's bytes, then EOF. Reads complete through the
// io_context (posted), as a socket's do.
class MemoryStream {
 public:
  using executor_type = net::any_io_executor;

  MemoryStream(executor_type executor, std::string bytes, std::size_t piece)
      : executor_{std::move(executor)}, bytes_{std::move(bytes)}, piece_{piece} {}

  executor_type get_executor() const { return executor_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return net::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& into) {
          const std::size_t left = bytes_.size() - offset_;
          const std::size_t n =
              net::buffer_copy(into, net::buffer(bytes_.data() + offset_, std::min(left, piece_)));
          offset_ += n;
          boost::system::error_code ec;
          if (n == 0 && net::buffer_size(into) > 0) ec = net::error::eof;
          auto executor = net::get_associated_executor(handler, executor_);
          net::post(executor, [h = std::move(handler), ec, n]() mutable { std::move(h)(ec, n); });
        },
        token, buffers);
  }

 private:
  executor_type executor_;
  std::string bytes_;
  std::size_t piece_;
  std::size_t offset_ = 0;
};

// What the target saw of one answer, for the views' assertions.
struct Seen {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

struct Connection {
  bool done = false;
  std::vector<Seen> answers;
};

// Every byte but [A-Za-z0-9_-] percent-encoded: the ID comes back as one path segment, never a
// `.` or `..` that the path cleaning would act on.
std::string escape_segment(std::string_view id) {
  static constexpr auto kSafe =
      boost::urls::grammar::alnum_chars + boost::urls::grammar::lut_chars("-_");
  return boost::urls::encode(id, kSafe);
}

bool is_decimal(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void check_refusal(const gatehouse::tools::ReadFailure& failure) {
  const std::string wire = failure.wire();
  FUZZ_CHECK(wire.starts_with("HTTP/1.1 ") && wire.size() > 12 && is_decimal(wire.substr(9, 3)),
             wire);
  FUZZ_CHECK(failure.status >= 400 && failure.status <= 505, wire);
  FUZZ_CHECK(wire.find("\r\nConnection: close\r\n\r\n") != std::string::npos, wire);
}

Seen check_response(const http::response<http::string_body>& response, http::verb method) {
  Seen seen{response.result_int(), std::string{response[http::field::content_type]},
            response.body()};
  const std::string head = std::to_string(seen.status) + " " + seen.body.substr(0, 300);
  FUZZ_CHECK(seen.status >= 100 && seen.status <= 599, head);
  for (const auto& field : response) {
    const std::string_view name = field.name_string();
    const std::string_view value = field.value();
    FUZZ_CHECK(!name.empty() && name.find_first_of("\r\n\0: "sv) == std::string_view::npos,
               std::string{name});
    FUZZ_CHECK(value.find_first_of("\r\n\0"sv) == std::string_view::npos,
               std::string{name} + ": " + std::string{value});
  }
  // A handler threw: caught, but a bug (bad input gets a clear error, never an exception).
  FUZZ_CHECK(!(seen.status == 500 && seen.body.starts_with("Internal error: ")), head);
  if (seen.content_type == "application/json") {
    FUZZ_CHECK(nlohmann::json::accept(seen.body), head);
  }
  // A HEAD answer with body bytes desynchronises a keep-alive client (it reads them as the next
  // response).
  if (method == http::verb::head) FUZZ_CHECK(seen.body.empty(), head);
  if (const auto index = response.find("X-Consul-Index"); index != response.end()) {
    FUZZ_CHECK(is_decimal(index->value()) && index->value() != "0", head);
  }
  return seen;
}

// RSA key generation takes seconds: a CA configuration that could ask for one is not run.
bool would_generate_rsa(const Request& request) {
  if (request.method() != "PUT" || request.path() != "/v1/connect/ca/configuration") return false;
  const std::string& body = request.body();
  return boost::algorithm::icontains(body, "rsa") || body.find('\\') != std::string::npos ||
         boost::algorithm::icontains(body, "-----begin");
}

class Target {
 public:
  Target() {
    spdlog::set_level(spdlog::level::off);
    replace_agent();
  }

  void run(std::string_view input) {
    static const bool fresh = std::getenv("FUZZ_FRESH_AGENT") != nullptr;
    if (fresh || ++inputs_ % kInputsPerAgent == 0 || blocked_.size() > kMaxBlocked) {
      replace_agent();
    }
    std::size_t connections = 0;
    for (std::size_t start = 0; start <= input.size() && connections < kMaxConnections;
         ++connections) {
      auto end = input.find(kSeparator, start);
      if (end == std::string_view::npos) end = input.size();
      serve(input.substr(start, end - start));
      start = end + kSeparator.size();
    }
    check_views();
  }

 private:
  // The flags of the next agent: ACLs off, on with default deny, off with a deny default for
  // intentions.
  DevAgentOptions next_options() {
    DevAgentOptions options;
    options.node_name = std::string{kNode};
    switch (agents_++ % 3) {
      case 1:
        options.acl_token = std::string{kToken};
        options.acl_default_policy = "deny";
        break;
      case 2:
        options.default_intention_policy = "deny";
        break;
      default:
        break;
    }
    return options;
  }

  void replace_agent() {
    if (agent_) {
      agent_->shutdown();  // releases every blocked query
      for (auto& c : blocked_) {
        FUZZ_CHECK(drive([&] { return c->done; }), "a blocked query outlived the agent's shutdown");
      }
      blocked_.clear();
      FUZZ_CHECK(drive([&] { return !agent_->ca_working(); }), "CA work never came back");
      agent_.reset();
    }
    auto options = next_options();
    acl_ = options.acl_token.has_value();
    auto created = DevAgent::create(std::move(options));
    FUZZ_CHECK(created.has_value(), created ? std::string{} : created.error());
    agent_ = std::move(*created);
    handler_ = [agent = agent_.get()](const Request& request) -> net::awaitable<Response> {
      if (would_generate_rsa(request)) {
        co_return Response::error({503, "not run by the fuzz target: may generate an RSA key"});
      }
      co_return co_await agent->handle(request);
    };
  }

  // Runs ready handlers until `done()`; a request waiting for the CA worker is waited for. False
  // when nothing is left to run (the request is blocked on a query).
  template <class Done>
  bool drive(Done done) {
    std::size_t handlers = 0;
    while (!done()) {
      if (io_.stopped()) io_.restart();
      const std::size_t ran = io_.poll();
      handlers += ran;
      FUZZ_CHECK(handlers < kMaxHandlers, "a request keeps the agent busy without end (spin)");
      if (ran > 0) continue;
      if (!agent_->ca_working()) return false;
      if (io_.stopped()) io_.restart();
      handlers += io_.run_one();  // the worker's result is posted back
    }
    return true;
  }

  net::awaitable<void> converse(MemoryStream& stream, Connection& connection) {
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, message] = co_await gatehouse::tools::read_request(stream, buffer);
      if (ec) {
        auto answer =
            gatehouse::tools::answer_unreadable(ec, gatehouse::tools::pending_bytes(buffer));
        if (answer && answer->refusal) check_refusal(*answer->refusal);
        if (answer && !answer->refusal) {
          connection.answers.push_back(check_response(answer->response, http::verb::unknown));
        }
        co_return;
      }
      const http::verb method = message->method();
      HttpAnswer answer = co_await gatehouse::tools::answer_request(handler_, std::move(*message));
      if (answer.refusal) {
        check_refusal(*answer.refusal);
        co_return;
      }
      connection.answers.push_back(check_response(answer.response, method));
      if (!answer.response.keep_alive()) co_return;
    }
  }

  // One connection; true when it finished, false when it is left blocked.
  std::shared_ptr<Connection> open(std::string bytes, std::size_t piece) {
    auto connection = std::make_shared<Connection>();
    auto stream = std::make_shared<MemoryStream>(io_.get_executor(), std::move(bytes), piece);
    net::co_spawn(
        io_, converse(*stream, *connection), [connection, stream](const std::exception_ptr& e) {
          if (e) FUZZ_CHECK(false, "exception escaped: " + gatehouse::common::exception_text(e));
          connection->done = true;
        });
    if (!drive([&] { return connection->done; })) blocked_.push_back(connection);
    return connection;
  }

  void serve(std::string_view segment) {
    if (segment.starts_with('!')) {
      segment.remove_prefix(1);
      std::size_t piece = SIZE_MAX;
      if (!segment.empty() && segment[0] >= '1' && segment[0] <= '9') {
        piece = static_cast<std::size_t>(segment[0] - '0');
        segment.remove_prefix(1);
      }
      open(std::string{segment}, piece);
      return;
    }
    open(build_request(segment), SIZE_MAX);
  }

  static bool has_header(std::string_view head, std::string_view name) {
    for (std::size_t at = 0; at < head.size();) {
      auto end = head.find('\n', at);
      if (end == std::string_view::npos) end = head.size();
      const auto line = head.substr(at, end - at);
      if (line.size() > name.size() && line[name.size()] == ':' &&
          boost::beast::iequals(line.substr(0, name.size()), name)) {
        return true;
      }
      at = end + 1;
    }
    return false;
  }

  static std::string build_request(std::string_view segment) {
    const auto split = segment.find("\n\n");
    const std::string_view head = segment.substr(0, split);
    const std::string_view body =
        split == std::string_view::npos ? std::string_view{} : segment.substr(split + 2);
    const auto line_end = head.find('\n');
    std::string_view line = head.substr(0, line_end);
    const std::string_view headers =
        line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 1);
    std::string out;
    if (line.find(' ') == std::string_view::npos) out = "GET ";
    out += line;
    out += " HTTP/1.1\r\n";
    if (!has_header(headers, "Host")) out += "Host: 127.0.0.1:8500\r\n";
    for (std::size_t at = 0; at < headers.size();) {
      auto end = headers.find('\n', at);
      if (end == std::string_view::npos) end = headers.size();
      out += headers.substr(at, end - at);
      out += "\r\n";
      at = end + 1;
    }
    if (!has_header(headers, "Content-Length") && !has_header(headers, "Transfer-Encoding")) {
      out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    out += "\r\n";
    out += body;
    return out;
  }

  // One view: must answer at once with 200 and JSON (checked by check_response); the body.
  std::string view(std::string_view method, const std::string& target, std::string body = {}) {
    std::string bytes = std::string{method} + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (acl_) bytes += "X-Consul-Token: " + std::string{kToken} + "\r\n";
    bytes += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    bytes += body;
    const auto connection = open(std::move(bytes), SIZE_MAX);
    FUZZ_CHECK(connection->done, "view blocked: " + target);
    FUZZ_CHECK(connection->answers.size() == 1, "view unanswered: " + target);
    const Seen& seen = connection->answers.front();
    FUZZ_CHECK(seen.status == 200, target + " -> " + std::to_string(seen.status) + " " + seen.body);
    FUZZ_CHECK(seen.content_type == "application/json", target + " -> " + seen.content_type);
    return seen.body;
  }

  void check_views() {
    static const std::vector<std::string> kViews = {
        "/v1/connect/intentions",
        "/v1/connect/intentions/match?by=destination&name=db",
        "/v1/connect/intentions/match?by=source&name=web",
        "/v1/connect/intentions/check?source=web&destination=db",
        "/v1/config/service-intentions",
        "/v1/config/service-defaults",
        "/v1/catalog/services",
        "/v1/catalog/nodes",
        "/v1/catalog/service/web",
        "/v1/catalog/connect/db",
        "/v1/catalog/node/" + std::string{kNode},
        "/v1/health/service/web",
        "/v1/health/connect/db",
        "/v1/health/state/any",
        "/v1/health/checks/web",
        "/v1/health/node/" + std::string{kNode},
        "/v1/agent/checks",
        "/v1/agent/self",
        "/v1/agent/connect/ca/roots",
        "/v1/connect/ca/roots",
        "/v1/connect/ca/configuration",
        "/v1/status/leader",
    };
    for (const auto& target : kViews) view("GET", target);
    const auto authorized =
        nlohmann::json::parse(view("POST", "/v1/agent/connect/authorize",
                                   R"({"Target":"db","ClientCertURI":"spiffe://)" +
                                       agent_->trust_domain() + R"(/ns/default/dc/dc1/svc/web"})"));
    FUZZ_CHECK(authorized.contains("Authorized") && authorized["Authorized"].is_boolean(),
               authorized.dump());
    // Every service the agent lists can be read back by its ID (at most a few per input).
    const auto services = nlohmann::json::parse(view("GET", "/v1/agent/services"));
    FUZZ_CHECK(services.is_object(), services.dump());
    std::size_t looked = 0;
    for (const auto& [id, service] : services.items()) {
      if (++looked > 8) break;
      // The listing shows U+FFFD for bytes that were not UTF-8, which would name another
      // service; a non-printable ID cannot be asked for (400 before routing, as in Consul).
      if (id.find("\xEF\xBF\xBD") != std::string::npos ||
          !gatehouse::tools::is_printable_path(id)) {
        continue;
      }
      view("GET", "/v1/agent/service/" + escape_segment(id));
    }
    // Blocked queries may have been woken by this input: they finish as they can.
    drive([] { return false; });
    std::erase_if(blocked_, [](const auto& c) { return c->done; });
  }

  std::unique_ptr<DevAgent> agent_;
  gatehouse::tools::RequestHandler handler_;
  // After what its coroutines point to, so destroyed before it: at exit, blocked queries are
  // still suspended in it.
  net::io_context io_;
  std::vector<std::shared_ptr<Connection>> blocked_;
  unsigned inputs_ = 0;
  unsigned agents_ = 0;
  bool acl_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Target target;
  target.run(std::string_view{reinterpret_cast<const char*>(data), size});
  return 0;
}
