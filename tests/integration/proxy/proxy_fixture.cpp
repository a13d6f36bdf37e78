#include "tests/integration/proxy/proxy_fixture.hpp"

#include <stdexcept>

namespace gatehouse::testing {

using nlohmann::json;

ProxyTest::ProxyTest() {
  echo_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{GATEHOUSE_BINARY, "echo", "-listen", "127.0.0.1:0"});
  const auto line = echo_->wait_for_line("event=listening");
  if (!line) throw std::runtime_error("echo app did not start:\n" + echo_->output());
  echo_addr_ = field(*line, "addr");
}

void ProxyTest::start_proxy(const std::vector<std::string>& extra_flags,
                            const std::string& listening) {
  std::vector<std::string> args{
      "-service",    "db",         "-service-addr",   echo_addr_, "-listen",
      "127.0.0.1:0", "-http-addr", agent_.base_url(), "-workers", "2"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  start_proxy_args(args, listening);
}

void ProxyTest::start_proxy_args(const std::vector<std::string>& args,
                                 const std::string& listening) {
  std::vector<std::string> argv{GATEHOUSE_BINARY, "proxy"};
  argv.insert(argv.end(), args.begin(), args.end());
  proxy_ = std::make_unique<ChildProcess>(argv);
  const auto line = proxy_->wait_for_line(listening, 20s);
  ASSERT_TRUE(line) << proxy_->output();
  const auto addr =
      line->front() == '{' ? json::parse(*line)["addr"].get<std::string>() : field(*line, "addr");
  proxy_port_ = static_cast<std::uint16_t>(std::stoi(addr.substr(addr.rfind(':') + 1)));
}

std::string ProxyTest::proxy_line(const std::string& needle) {
  auto line = proxy_->wait_for_line(needle, 20s);
  EXPECT_TRUE(line) << "no line with " << needle << " in:\n" << proxy_->output();
  return line.value_or("");
}

std::string ProxyTest::conn_line(int id) {
  // Connection ids count up from 1 in accept order, so the first line with " conn=<id>" is its
  // summary (`conn=` follows dur_ms; only end="…" may follow it).
  const std::string want = std::to_string(id);
  const auto line = proxy_->wait_for_line(" conn=" + want, 20s);
  if (line && field(*line, "conn") == want) return *line;
  ADD_FAILURE() << "no summary line for conn " << id << " in:\n" << proxy_->output();
  return {};
}

bool ProxyTest::echo_accepted(int n) {
  return echo_->wait_for_line("event=accept component=echo count=" + std::to_string(n), 20s)
      .has_value();
}

json ProxyTest::get_json(const std::string& url) {
  const auto r = run_command({"curl", "-sS", "--fail", url});
  if (r.exit_code != 0) throw std::runtime_error("GET " + url + " failed: " + r.err);
  return json::parse(r.out);
}

std::shared_ptr<const tls::TlsContext> ProxyTest::client_context(const std::string& service) {
  return client_context_from(agent_.base_url(), service);
}

std::shared_ptr<const tls::TlsContext> ProxyTest::client_context_from(const std::string& base_url,
                                                                      const std::string& service,
                                                                      tls::Role role) {
  const auto leaf = get_json(base_url + "/v1/agent/connect/ca/leaf/" + service);
  const auto roots = get_json(base_url + "/v1/agent/connect/ca/roots");
  tls::TrustMaterial trust;
  trust.trust_domain = roots["TrustDomain"];
  for (const auto& r : roots["Roots"]) trust.root_pems.push_back(r["RootCert"]);
  auto ctx = tls::TlsContext::build(
      role,
      {leaf["CertPEM"].get<std::string>(), leaf["PrivateKeyPEM"].get<std::string>()}, trust);
  if (!ctx) throw std::runtime_error("client context: " + ctx.error());
  return *ctx;
}

void ProxyTest::rotate_ca() {
  const auto key = run_command({"openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  const auto put =
      agent_.put("/v1/connect/ca/configuration",
                 json{{"Provider", "consul"}, {"Config", {{"PrivateKey", key.out}}}}.dump());
  ASSERT_EQ(put.status, 200) << put.body;
}

void ProxyTest::put_intention(const std::string& src, const std::string& dst,
                              const std::string& action) {
  const auto r = agent_.put("/v1/connect/intentions/exact?source=" + src + "&destination=" + dst,
                            json{{"Action", action}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
}

}  // namespace gatehouse::testing
