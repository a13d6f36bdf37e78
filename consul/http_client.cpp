#include "consul/http_client.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <array>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <unordered_map>

#include "consul/failure.hpp"

namespace gatehouse::consul {

namespace net = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t kMaxResponseBytes = 64U * 1024U * 1024U;

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlUrlPtr = std::unique_ptr<CURLU, CurlUrlDeleter>;
struct CurlFreeDeleter {
  void operator()(char* p) const { curl_free(p); }
};
using CurlString = std::unique_ptr<char, CurlFreeDeleter>;
struct EasyDeleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

bool has_header(const HttpRequest& req, std::string_view name) {
  for (const auto& [key, value] : req.headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return true;
    }
  }
  return false;
}

bool has_param(const QueryParams& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return true;
  }
  return false;
}

std::optional<std::string> url_part(CURLU* url, CURLUPart part, unsigned flags) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK) return std::nullopt;
  CurlString owned{raw};
  return std::string{owned.get()};
}

// Loopback agents are never reached through HTTP(S)_PROXY, like Go's ProxyFromEnvironment.
bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host.starts_with("127.") || host == "[::1]";
}

ApiErrorKind classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return ApiErrorKind::connect;
    case CURLE_OPERATION_TIMEDOUT:
      return ApiErrorKind::timeout;
    default:
      return ApiErrorKind::transport;
  }
}

// Collects easy-handle option failures so one check covers a block of setopt calls; the first
// failure names its option.
class EasyOptions {
 public:
  explicit EasyOptions(CURL* easy) : easy_(easy) {}
  template <class T>
  EasyOptions& set(CURLoption option, T value, const char* name) {
    if (failed_ == nullptr) {
      const CURLcode rc = curl_easy_setopt(easy_, option, value);
      if (rc != CURLE_OK) {
        failed_ = name;
        code_ = rc;
      }
    }
    return *this;
  }
  std::optional<std::string> error() const {
    if (failed_ == nullptr) return std::nullopt;
    return std::string{"curl_easy_setopt("} + failed_ + "): " + curl_easy_strerror(code_);
  }

 private:
  CURL* easy_;
  const char* failed_ = nullptr;
  CURLcode code_ = CURLE_OK;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Headers and request preparation (pure)

void HttpHeaders::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> HttpHeaders::find(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return std::string_view{value};
    }
  }
  return std::nullopt;
}

void init_http_globally() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

boost::system::result<PreparedRequest, std::string> prepare_request(const AgentConfig& config,
                                                                    const HttpRequest& request) {
  init_http_globally();
  CurlUrlPtr url{curl_url()};
  if (!url) return Failure{std::string{"curl_url: out of memory"}};
  const std::string base = config.address.base_url();
  if (curl_url_set(url.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) {
    return Failure{"invalid agent address \"" + base + "\""};
  }
  const std::string path = config.address.path_prefix + request.path;
  if (curl_url_set(url.get(), CURLUPART_PATH, path.c_str(), CURLU_URLENCODE) != CURLUE_OK) {
    return Failure{"invalid request path \"" + request.path + "\""};
  }
  auto append_query = [&](const std::string& name, const std::string& value) {
    const std::string part = value.empty() ? name : name + "=" + value;
    return curl_url_set(url.get(), CURLUPART_QUERY, part.c_str(),
                        CURLU_APPENDQUERY | CURLU_URLENCODE) == CURLUE_OK;
  };
  for (const auto& [name, value] : request.query) {
    if (!append_query(name, value)) return Failure{"invalid query parameter \"" + name + "\""};
  }
  if (!config.datacenter.empty() && !has_param(request.query, "dc")) {
    if (!append_query("dc", config.datacenter)) return Failure{std::string{"invalid -datacenter"}};
  }
  auto text = url_part(url.get(), CURLUPART_URL, 0);
  if (!text) return Failure{"cannot build URL for \"" + request.path + "\""};

  PreparedRequest prepared;
  prepared.url = std::move(*text);
  if (!config.token.empty() && !has_header(request, "X-Consul-Token")) {
    prepared.headers.push_back("X-Consul-Token: " + config.token);
  }
  for (const auto& [name, value] : request.headers) prepared.headers.push_back(name + ": " + value);
  return prepared;
}

// ---------------------------------------------------------------------------------------------
// The client

class HttpClient::Impl : public std::enable_shared_from_this<HttpClient::Impl> {
 public:
  Impl(executor_type executor, AgentConfig config)
      : executor_(std::move(executor)), config_(std::move(config)), timer_(executor_) {
    init_http_globally();
    multi_ = curl_multi_init();
    if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
    set_multi(CURLMOPT_SOCKETFUNCTION, &Impl::on_socket, "CURLMOPT_SOCKETFUNCTION");
    set_multi(CURLMOPT_SOCKETDATA, this, "CURLMOPT_SOCKETDATA");
    set_multi(CURLMOPT_TIMERFUNCTION, &Impl::on_timer, "CURLMOPT_TIMERFUNCTION");
    set_multi(CURLMOPT_TIMERDATA, this, "CURLMOPT_TIMERDATA");
  }

  ~Impl() {
    for (auto& [id, transfer] : transfers_) {
      const CURLMcode rc = curl_multi_remove_handle(multi_, transfer->easy.get());
      if (rc != CURLM_OK) SPDLOG_WARN("event=curl_remove_failed error={}", curl_multi_strerror(rc));
      complete(*transfer, ApiError::make(ApiErrorKind::cancelled, "client destroyed"));
    }
    transfers_.clear();
    curl_multi_cleanup(multi_);  // closes cached connections through on_close_socket
    sockets_.clear();
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  const AgentConfig& config() const { return config_; }
  const executor_type& executor() const { return executor_; }

  void start(HttpRequest req, Handler handler) {
    auto work = net::prefer(net::get_associated_executor(handler, executor_),
                            net::execution::outstanding_work.tracked);
    // Constructed, never assigned: Boost 1.81's any_completion_handler move-assignment recurses.
    auto transfer = std::make_unique<Transfer>(std::move(handler), std::move(work));
    if (auto failed = setup(*transfer, req)) {
      complete(*transfer, ApiError::make(ApiErrorKind::transport, std::move(*failed)));
      return;
    }
    const std::uint64_t id = next_id_++;
    transfer->id = id;
    auto slot = net::get_associated_cancellation_slot(transfer->handler);
    if (slot.is_connected()) {
      // The signal may be emitted from another thread: removal happens on our executor.
      slot.assign([weak = weak_from_this(), id](net::cancellation_type) {
        if (auto self = weak.lock()) {
          net::post(self->executor_, [weak, id] {
            if (auto again = weak.lock()) again->cancel(id);
          });
        }
      });
    }
    Transfer& ref = *transfer;
    transfers_.emplace(id, std::move(transfer));
    const CURLMcode rc = curl_multi_add_handle(multi_, ref.easy.get());
    if (rc != CURLM_OK) {
      finish(id, ApiError::make(ApiErrorKind::transport,
                                std::string{"curl_multi_add_handle: "} + curl_multi_strerror(rc)));
    }
  }

 private:
  struct Transfer {
    Transfer(Handler h, net::any_completion_executor w)
        : handler(std::move(h)), work(std::move(w)) {}
    std::uint64_t id = 0;
    std::string method;  // for the debug line; the URL's query and headers are not logged
    std::string path;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    EasyPtr easy;
    SlistPtr headers;
    SlistPtr connect_to;
    std::string request_body;
    std::string response_body;
    std::array<char, CURL_ERROR_SIZE> error_buffer{};
    Handler handler;
    net::any_completion_executor work;  // keeps the caller's executor busy until we complete
  };

  // One socket curl uses. Sockets curl opened through on_open_socket are owned here (Asio closes
  // them); others (e.g. a resolver's wake-up pipe) are only watched and released on removal.
  struct Socket {
    explicit Socket(const executor_type& ex) : owned(ex), foreign(ex) {}
    net::generic::stream_protocol::socket owned;
    net::posix::stream_descriptor foreign;
    bool is_owned = false;
    curl_socket_t fd = CURL_SOCKET_BAD;
    int wanted = CURL_POLL_NONE;
    bool read_armed = false;
    bool write_armed = false;
  };

  template <class T>
  void set_multi(CURLMoption option, T value, const char* name) {
    const CURLMcode rc = curl_multi_setopt(multi_, option, value);
    if (rc != CURLM_OK) {
      throw std::runtime_error(std::string{"curl_multi_setopt("} + name +
                               "): " + curl_multi_strerror(rc));
    }
  }

  // Configures the easy handle; returns an error description on failure.
  std::optional<std::string> setup(Transfer& t, const HttpRequest& req) {
    auto prepared = prepare_request(config_, req);
    if (!prepared) return prepared.error();
    t.easy.reset(curl_easy_init());
    if (!t.easy) return std::string{"curl_easy_init failed"};
    for (const auto& line : prepared->headers) {
      if (!append(t.headers, line)) return std::string{"curl_slist_append failed"};
    }
    // No "Expect: 100-continue" round trip for larger bodies.
    if (!append(t.headers, "Expect:")) return std::string{"curl_slist_append failed"};
    t.request_body = req.body;
    t.method = req.method;
    t.path = req.path;

    CURL* easy = t.easy.get();
    EasyOptions opts{easy};
    opts.set(CURLOPT_URL, prepared->url.c_str(), "CURLOPT_URL")
        .set(CURLOPT_PRIVATE, static_cast<void*>(&t), "CURLOPT_PRIVATE")
        .set(CURLOPT_ERRORBUFFER, t.error_buffer.data(), "CURLOPT_ERRORBUFFER")
        .set(CURLOPT_NOSIGNAL, 1L, "CURLOPT_NOSIGNAL")
        .set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        .set(CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()), "CURLOPT_TIMEOUT_MS")
        .set(CURLOPT_WRITEFUNCTION, &Impl::on_write, "CURLOPT_WRITEFUNCTION")
        .set(CURLOPT_WRITEDATA, static_cast<void*>(&t), "CURLOPT_WRITEDATA")
        .set(CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open_socket, "CURLOPT_OPENSOCKETFUNCTION")
        .set(CURLOPT_OPENSOCKETDATA, static_cast<void*>(this), "CURLOPT_OPENSOCKETDATA")
        .set(CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close_socket, "CURLOPT_CLOSESOCKETFUNCTION")
        .set(CURLOPT_CLOSESOCKETDATA, static_cast<void*>(this), "CURLOPT_CLOSESOCKETDATA")
        .set(CURLOPT_HTTPHEADER, t.headers.get(), "CURLOPT_HTTPHEADER");
    if (req.method == "GET") {
      opts.set(CURLOPT_HTTPGET, 1L, "CURLOPT_HTTPGET");
    } else {
      opts.set(CURLOPT_CUSTOMREQUEST, req.method.c_str(), "CURLOPT_CUSTOMREQUEST");
      if (req.method != "DELETE" || !t.request_body.empty()) {
        opts.set(CURLOPT_POSTFIELDS, t.request_body.c_str(), "CURLOPT_POSTFIELDS")
            .set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.request_body.size()),
                 "CURLOPT_POSTFIELDSIZE_LARGE");
      }
    }
    const AgentAddress& address = config_.address;
    if (!address.unix_socket_path.empty()) {
      opts.set(CURLOPT_UNIX_SOCKET_PATH, address.unix_socket_path.c_str(),
               "CURLOPT_UNIX_SOCKET_PATH");
    }
    if (is_loopback_host(host_of(prepared->url)) || !address.unix_socket_path.empty()) {
      opts.set(CURLOPT_PROXY, "", "CURLOPT_PROXY");
    }
    if (address.scheme == "https") {
      if (auto failed = setup_tls(t, opts, prepared->url)) return failed;
    }
    return opts.error();
  }

  std::optional<std::string> setup_tls(Transfer& t, EasyOptions& opts, const std::string& url) {
    const AgentTlsConfig& tls = config_.tls;
    if (!tls.ca_file.empty()) opts.set(CURLOPT_CAINFO, tls.ca_file.c_str(), "CURLOPT_CAINFO");
    if (!tls.ca_path.empty()) opts.set(CURLOPT_CAPATH, tls.ca_path.c_str(), "CURLOPT_CAPATH");
    if (!tls.client_cert.empty()) {
      opts.set(CURLOPT_SSLCERT, tls.client_cert.c_str(), "CURLOPT_SSLCERT")
          .set(CURLOPT_SSLKEY, tls.client_key.c_str(), "CURLOPT_SSLKEY");
    }
    if (!tls.verify) {
      opts.set(CURLOPT_SSL_VERIFYPEER, 0L, "CURLOPT_SSL_VERIFYPEER")
          .set(CURLOPT_SSL_VERIFYHOST, 0L, "CURLOPT_SSL_VERIFYHOST");
    }
    if (!tls.server_name.empty()) {
      // SNI and verification use the server name; the connection still goes to the real host.
      CurlUrlPtr parsed{curl_url()};
      if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        return std::string{"cannot parse agent URL"};
      }
      const auto host = url_part(parsed.get(), CURLUPART_HOST, 0);
      const auto port = url_part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
      if (!host || !port) return std::string{"cannot parse agent URL"};
      if (curl_url_set(parsed.get(), CURLUPART_HOST, tls.server_name.c_str(), 0) != CURLUE_OK) {
        return "invalid -tls-server-name \"" + tls.server_name + "\"";
      }
      const auto renamed = url_part(parsed.get(), CURLUPART_URL, 0);
      if (!renamed) return std::string{"cannot build agent URL"};
      if (!append(t.connect_to, tls.server_name + ":" + *port + ":" + *host + ":" + *port)) {
        return std::string{"curl_slist_append failed"};
      }
      opts.set(CURLOPT_CONNECT_TO, t.connect_to.get(), "CURLOPT_CONNECT_TO")
          .set(CURLOPT_URL, renamed->c_str(), "CURLOPT_URL");  // curl copies strings
    }
    return std::nullopt;
  }

  static bool append(SlistPtr& list, const std::string& line) {
    curl_slist* next = curl_slist_append(list.get(), line.c_str());
    if (next == nullptr) return false;
    static_cast<void>(list.release());  // now owned by `next`
    list.reset(next);
    return true;
  }

  static std::string host_of(const std::string& url) {
    CurlUrlPtr parsed{curl_url()};
    if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
      return {};
    return url_part(parsed.get(), CURLUPART_HOST, 0).value_or(std::string{});
  }

  // --- libcurl callbacks: they only record state and arm Asio operations, never call libcurl.

  static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    if (t->response_body.size() + bytes > kMaxResponseBytes) return 0;  // aborts the transfer
    t->response_body.append(data, bytes);
    return bytes;
  }

  static curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* self = static_cast<Impl*>(user);
    if (purpose != CURLSOCKTYPE_IPCXN || address->socktype != SOCK_STREAM) return CURL_SOCKET_BAD;
    auto socket = std::make_shared<Socket>(self->executor_);
    error_code ec;
    socket->owned.open(net::generic::stream_protocol(address->family, address->protocol), ec);
    if (ec) {
      SPDLOG_WARN("event=agent_socket_open_failed error={}", ec.message());
      return CURL_SOCKET_BAD;
    }
    socket->is_owned = true;
    socket->fd = socket->owned.native_handle();
    self->sockets_[socket->fd] = socket;
    return socket->fd;
  }

  static int on_close_socket(void* user, curl_socket_t fd) {
    auto* self = static_cast<Impl*>(user);
    self->sockets_.erase(fd);  // closing cancels pending waits; their handlers see it expired
    return 0;
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* self = static_cast<Impl*>(user);
    auto it = self->sockets_.find(fd);
    if (what == CURL_POLL_REMOVE) {
      if (it == self->sockets_.end()) return 0;
      it->second->wanted = CURL_POLL_NONE;
      if (!it->second->is_owned) {
        error_code ignored;  // the descriptor belongs to curl; we only stop watching it
        it->second->foreign.cancel(ignored);
        static_cast<void>(it->second->foreign.release());
        self->sockets_.erase(it);
      }
      return 0;
    }
    if (it == self->sockets_.end()) {
      auto socket = std::make_shared<Socket>(self->executor_);
      error_code ec;
      socket->foreign.assign(fd, ec);
      if (ec) {
        SPDLOG_WARN("event=agent_socket_watch_failed error={}", ec.message());
        return -1;
      }
      socket->fd = fd;
      it = self->sockets_.emplace(fd, std::move(socket)).first;
    }
    it->second->wanted = what;
    self->arm(it->second);
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* user) {
    auto* self = static_cast<Impl*>(user);
    if (timeout_ms < 0) {  // -1: delete the timer
      self->timer_.cancel();
      return 0;
    }
    self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer_.async_wait([weak = self->weak_from_this()](error_code ec) {
      if (ec) return;  // replaced or cancelled
      if (auto me = weak.lock()) me->drive(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  // --- Asio side

  void arm(const std::shared_ptr<Socket>& socket) {
    if ((socket->wanted & CURL_POLL_IN) != 0 && !socket->read_armed) {
      socket->read_armed = true;
      wait(socket, net::socket_base::wait_read);
    }
    if ((socket->wanted & CURL_POLL_OUT) != 0 && !socket->write_armed) {
      socket->write_armed = true;
      wait(socket, net::socket_base::wait_write);
    }
  }

  void wait(const std::shared_ptr<Socket>& socket, net::socket_base::wait_type type) {
    auto on_ready = [weak_self = weak_from_this(), weak_socket = std::weak_ptr<Socket>(socket),
                     type](error_code ec) {
      auto self = weak_self.lock();
      auto sock = weak_socket.lock();
      if (!self || !sock) return;
      self->on_ready(sock, type, ec);
    };
    if (socket->is_owned) {
      socket->owned.async_wait(type, std::move(on_ready));
    } else {
      socket->foreign.async_wait(type == net::socket_base::wait_read
                                     ? net::posix::descriptor_base::wait_read
                                     : net::posix::descriptor_base::wait_write,
                                 std::move(on_ready));
    }
  }

  void on_ready(const std::shared_ptr<Socket>& socket, net::socket_base::wait_type type,
                error_code ec) {
    const bool reading = type == net::socket_base::wait_read;
    (reading ? socket->read_armed : socket->write_armed) = false;
    if (ec == net::error::operation_aborted) return;
    const int direction = reading ? CURL_POLL_IN : CURL_POLL_OUT;
    if ((socket->wanted & direction) == 0) return;  // curl lost interest meanwhile
    drive(socket->fd, ec ? CURL_CSELECT_ERR : (reading ? CURL_CSELECT_IN : CURL_CSELECT_OUT));
    if (sockets_.contains(socket->fd) && sockets_[socket->fd] == socket) arm(socket);
  }

  void drive(curl_socket_t fd, int events) {
    int running = 0;
    const CURLMcode rc = curl_multi_socket_action(multi_, fd, events, &running);
    if (rc != CURLM_OK)
      SPDLOG_WARN("event=curl_socket_action_failed error={}", curl_multi_strerror(rc));
    drain();
  }

  void drain() {
    int pending = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &pending)) {
      if (msg->msg != CURLMSG_DONE) continue;
      char* priv = nullptr;
      if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv) != CURLE_OK || !priv)
        continue;
      auto* transfer = reinterpret_cast<Transfer*>(priv);
      finish(transfer->id, outcome(*transfer, msg->data.result));
    }
  }

  HttpResult outcome(Transfer& t, CURLcode code) {
    if (code != CURLE_OK) {
      const std::string detail = t.error_buffer[0] != '\0' ? std::string{t.error_buffer.data()}
                                                           : std::string{curl_easy_strerror(code)};
      return ApiError::make(classify(code), detail);
    }
    HttpResponse response;
    long status = 0;
    if (curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) {
      return ApiError::make(ApiErrorKind::transport, "no response status");
    }
    response.status = static_cast<int>(status);
    curl_header* header = nullptr;
    while ((header = curl_easy_nextheader(t.easy.get(), CURLH_HEADER, -1, header)) != nullptr) {
      response.headers.add(header->name, header->value);
    }
    response.body = std::move(t.response_body);
    return response;
  }

  void cancel(std::uint64_t id) {
    if (!transfers_.contains(id)) return;  // already finished
    finish(id, ApiError::make(ApiErrorKind::cancelled, "request cancelled"));
  }

  // Removes the transfer (its connection goes back to the cache) and completes its handler.
  void finish(std::uint64_t id, HttpResult result) {
    auto node = transfers_.extract(id);
    if (node.empty()) return;
    Transfer& t = *node.mapped();
    const CURLMcode rc = curl_multi_remove_handle(multi_, t.easy.get());
    if (rc != CURLM_OK) SPDLOG_WARN("event=curl_remove_failed error={}", curl_multi_strerror(rc));
    [[maybe_unused]] const auto dur_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::steady_clock::now() - t.started)
                                             .count();
    if (result) {
      SPDLOG_DEBUG("event=agent_request method={} path={} status={} dur_ms={}", t.method, t.path,
                   result->status, dur_ms);
    } else {
      SPDLOG_DEBUG("event=agent_request method={} path={} error={} dur_ms={}", t.method, t.path,
                   to_string(result.error().kind), dur_ms);
    }
    complete(t, std::move(result));
  }

  // Never invokes the handler inline: it is posted to the handler's own executor.
  void complete(Transfer& t, HttpResult result) {
    auto slot = net::get_associated_cancellation_slot(t.handler);
    if (slot.is_connected()) slot.clear();
    // any_completion_handler cannot be posted directly (its executor lacks blocking.never), so
    // hop through our executor and dispatch to the handler's own executor from there.
    net::post(executor_,
              [h = std::move(t.handler), r = std::move(result), w = std::move(t.work)]() mutable {
                net::dispatch(net::append(std::move(h), std::move(r)));
              });
  }

  executor_type executor_;
  AgentConfig config_;
  CURLM* multi_ = nullptr;
  net::steady_timer timer_;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Transfer>> transfers_;
  std::uint64_t next_id_ = 1;
};

HttpClient::HttpClient(executor_type executor, AgentConfig config)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(config))) {}

HttpClient::~HttpClient() = default;

const AgentConfig& HttpClient::config() const { return impl_->config(); }

HttpClient::executor_type HttpClient::get_executor() const { return impl_->executor(); }

void HttpClient::start(HttpRequest req, Handler handler) {
  // Transfers live on the client's executor, whichever thread asked.
  net::dispatch(impl_->executor(),
                [impl = impl_, r = std::move(req), h = std::move(handler)]() mutable {
                  impl->start(std::move(r), std::move(h));
                });
}

}  // namespace gatehouse::consul
