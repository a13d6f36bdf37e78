// The demo's pure pieces: log fields and the registrations (kept equal to configs/).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "consul/intention.hpp"
#include "tools/demo/demo_main.hpp"
#include "tools/demo/demo_services.hpp"
#include "tools/probe/expect_policy.hpp"
#include "tools/process/log_field.hpp"

namespace gatehouse::tools {
namespace {

consul::AgentServiceRegistration load_registration(const std::string& name) {
  std::ifstream in{std::string{GATEHOUSE_CONFIGS_DIR} + "/" + name + ".json"};
  EXPECT_TRUE(in) << name;
  return nlohmann::json::parse(in).get<consul::AgentServiceRegistration>();
}

TEST(DemoServices, RegistrationsMatchConfigs) {
  EXPECT_EQ(demo_registration("web", 8080, 21000, DemoUpstream{"db", 9191}),
            load_registration("web"));
  EXPECT_EQ(demo_registration("api", 8081, 21001, std::nullopt), load_registration("api"));
  EXPECT_EQ(demo_registration("db", 8082, 21002, std::nullopt), load_registration("db"));
}

TEST(DemoServices, RegistrationJson) {
  const nlohmann::json j = demo_registration("db", 8082, 21002, std::nullopt);
  EXPECT_EQ(j, nlohmann::json::parse(R"({"ID":"db","Name":"db","Address":"127.0.0.1",
      "Port":8082,"Connect":{"SidecarService":{"Port":21002}}})"));
}

TEST(DemoConfigs, ExpectExampleParses) {
  auto p = ExpectPolicy::load(std::string{GATEHOUSE_CONFIGS_DIR} + "/expect.json");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->lookup("web", "db"), Verdict::allow);
  EXPECT_EQ(p->lookup("db", "web"), Verdict::deny);
  EXPECT_EQ(p->lookup("api", "db"), Verdict::deny);
}

TEST(DemoConfigs, IntentionFilesAreIntentions) {
  for (const auto* name : {"web-db-allow", "web-db-deny", "web-api-allow"}) {
    std::ifstream in{std::string{GATEHOUSE_CONFIGS_DIR} + "/intentions/" + name + ".json"};
    ASSERT_TRUE(in) << name;
    auto ixn = nlohmann::json::parse(in).get<consul::Intention>();
    // The agent fills in the default namespace before validating, as for any CE intention.
    if (ixn.source_ns.empty()) ixn.source_ns = "default";
    if (ixn.destination_ns.empty()) ixn.destination_ns = "default";
    EXPECT_EQ(ixn.source_name, "web") << name;
    const auto errors = ixn.validate_legacy();
    EXPECT_TRUE(errors.empty()) << name << ": " << (errors.empty() ? "" : errors.front());
  }
}

boost::system::result<DemoCommandLine, std::string> parse_demo(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return parse_demo_options(argv);
}

TEST(DemoOptions, FlagsAndErrors) {
  const auto ok = parse_demo({"-keep", "-settle", "1500ms", "-log-dir", "logs"});
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_TRUE(ok->options.keep);
  EXPECT_EQ(ok->options.settle, std::chrono::milliseconds{1500});
  EXPECT_EQ(ok->log_dir, "logs");
  EXPECT_EQ(parse_demo({"extra"}).error(), "Should have no non-flag arguments.");
  EXPECT_EQ(parse_demo({"-settle", "0s"}).error(),
            "-settle: expected a positive duration such as 10s or 500ms, got \"0s\"");
  EXPECT_EQ(parse_demo({"-%canonical_option%x"}).error(),
            "unrecognised option '-%canonical_option%x'");
}

TEST(LogField, PlainAndQuotedValues) {
  const std::string line =
      R"x(level=warn event=conn outcome=denied src_service=web reason="Matched L4 intention: )x"
      R"x(default/web => default/db (Precedence: 9, Action: DENY)" conn=2)x";
  EXPECT_EQ(log_field(line, "outcome"), "denied");
  EXPECT_EQ(log_field(line, "service"), "");  // not a suffix of src_service
  EXPECT_EQ(log_field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(log_field(line, "conn"), "2");
  EXPECT_EQ(log_field("event=listening component=dev-agent addr=127.0.0.1:41234", "addr"),
            "127.0.0.1:41234");
}

}  // namespace
}  // namespace gatehouse::tools
