// HttpClient over HTTPS against an in-process Beast TLS server: CA file, verification failure,
// CONSUL_HTTP_SSL_VERIFY=false, and -tls-server-name (SNI/verification name ≠ dialled host).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cstdio>
#include <fstream>

#include "consul/http_client.hpp"
#include "tests/unit/consul/test_certificate.hpp"
#include "tests/unit/consul/test_http_server.hpp"

namespace gatehouse::consul {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using testing::Request;
using testing::Response;

// Serves HTTPS on 127.0.0.1:0, one request per connection, answering with the SNI it saw.
class TlsServer {
 public:
  TlsServer(net::any_io_executor ex, const testing::TestCertificate& cert)
      : context_(ssl::context::tls_server), acceptor_(ex, {net::ip::make_address("127.0.0.1"), 0}) {
    context_.use_certificate_chain(net::buffer(cert.cert_pem));
    context_.use_private_key(net::buffer(cert.key_pem), ssl::context::pem);
    net::co_spawn(ex, accept_loop(), [](std::exception_ptr) {});
  }
  std::string address() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int handshakes() const { return handshakes_; }

 private:
  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::as_tuple(net::use_awaitable));
      if (ec) co_return;
      net::co_spawn(acceptor_.get_executor(), session(std::move(socket)),
                    [](std::exception_ptr) {});
    }
  }
  net::awaitable<void> session(net::ip::tcp::socket socket) {
    ssl::stream<net::ip::tcp::socket> stream{std::move(socket), context_};
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server,
                                                 net::as_tuple(net::use_awaitable));
    if (hec) co_return;  // the client refused our certificate
    ++handshakes_;
    const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    boost::beast::flat_buffer buffer;
    Request req;
    auto [rec, n] =
        co_await http::async_read(stream, buffer, req, net::as_tuple(net::use_awaitable));
    if (rec) co_return;
    Response res = testing::text_response(http::status::ok, sni ? sni : "");
    res.keep_alive(false);
    res.prepare_payload();
    co_await http::async_write(stream, res, net::as_tuple(net::use_awaitable));
  }

  ssl::context context_;
  net::ip::tcp::acceptor acceptor_;
  int handshakes_ = 0;
};

class HttpsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = testing::make_self_signed("consul.test", "DNS:consul.test,DNS:localhost");
    ca_file_ = ::testing::TempDir() + "gatehouse-ca-" + std::to_string(::getpid()) + ".pem";
    std::ofstream{ca_file_} << cert_.cert_pem;
  }
  void TearDown() override { std::remove(ca_file_.c_str()); }

  // One GET over HTTPS with `tls`; returns the client's result.
  HttpResult get(const AgentTlsConfig& tls) {
    net::io_context ioc;
    TlsServer server{ioc.get_executor(), cert_};
    AgentConfig config;
    config.address = *parse_agent_address("https://" + server.address(), false);
    config.tls = tls;
    HttpClient client{ioc.get_executor(), config};
    std::optional<HttpResult> out;
    HttpRequest req;
    req.path = "/v1/status/leader";
    req.timeout = 10s;
    client.request(req, [&](HttpResult r) {
      out = std::move(r);
      ioc.stop();
    });
    ioc.run_for(20s);
    handshakes_ = server.handshakes();
    if (!out) return ApiError::make(ApiErrorKind::transport, "test: no completion");
    return std::move(*out);
  }

  testing::TestCertificate cert_;
  std::string ca_file_;
  int handshakes_ = 0;
};

TEST_F(HttpsClientTest, VerifiesWithCaFileAndSendsSni) {
  AgentTlsConfig tls;
  tls.ca_file = ca_file_;
  tls.server_name = "localhost";  // the cert has no IP SAN for 127.0.0.1
  const auto r = get(tls);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "localhost");
  EXPECT_EQ(handshakes_, 1);
}

TEST_F(HttpsClientTest, TlsServerNameChoosesTheVerifiedName) {
  AgentTlsConfig tls;
  tls.ca_file = ca_file_;
  tls.server_name = "consul.test";
  const auto r = get(tls);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->body, "consul.test");
}

TEST_F(HttpsClientTest, WrongNameOrUnknownCaFails) {
  AgentTlsConfig no_name;
  no_name.ca_file = ca_file_;  // dials 127.0.0.1, which the certificate does not name
  const auto by_ip = get(no_name);
  ASSERT_FALSE(by_ip);
  EXPECT_EQ(by_ip.error().kind, ApiErrorKind::transport) << by_ip.error().message();

  AgentTlsConfig system_roots;
  system_roots.server_name = "consul.test";  // self-signed: not trusted by the system store
  const auto untrusted = get(system_roots);
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().kind, ApiErrorKind::transport) << untrusted.error().message();
  EXPECT_EQ(handshakes_, 0);
}

TEST_F(HttpsClientTest, VerifyOffAcceptsAnyCertificate) {
  AgentTlsConfig tls;
  tls.verify = false;
  const auto r = get(tls);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace gatehouse::consul
