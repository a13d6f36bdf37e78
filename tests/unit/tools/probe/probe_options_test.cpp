#include "tools/probe/probe_options.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace gatehouse::tools {
namespace {

consul::EnvGetter no_env() {
  return [](std::string_view) { return std::optional<std::string>{}; };
}

boost::system::result<ProbeOptions, std::string> parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (auto& a : args) argv.push_back(a.data());
  return parse_probe_options(argv, no_env());
}

TEST(ProbeOptions, Defaults) {
  auto o = parse({});
  ASSERT_TRUE(o) << o.error();
  EXPECT_TRUE(o->settings.sources.empty());
  EXPECT_EQ(o->settings.mode, ProbeMode::direct);
  EXPECT_EQ(o->settings.settle, std::chrono::milliseconds{3000});
  EXPECT_EQ(o->settings.connect_timeout, std::chrono::milliseconds{5000});
  EXPECT_EQ(o->format, ProbeFormat::text);
  EXPECT_EQ(o->agent.address.host_port, "127.0.0.1:8500");
}

TEST(ProbeOptions, RepeatableListsAndFlags) {
  auto o =
      parse({"-source", "web", "-source=api", "-destination", "db", "-format", "json", "-junit",
             "out.xml", "-settle", "250ms", "-via-upstream", "-http-addr", "127.0.0.1:9"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->settings.sources, (std::vector<std::string>{"web", "api"}));
  EXPECT_EQ(o->settings.destinations, (std::vector<std::string>{"db"}));
  EXPECT_EQ(o->format, ProbeFormat::json);
  EXPECT_EQ(o->junit_file, "out.xml");
  EXPECT_EQ(o->settings.settle, std::chrono::milliseconds{250});
  EXPECT_EQ(o->settings.mode, ProbeMode::via_upstream);
  EXPECT_EQ(o->agent.address.host_port, "127.0.0.1:9");
}

TEST(ProbeOptions, Errors) {
  EXPECT_EQ(parse({"-format", "xml"}).error(), "-format must be text or json, got \"xml\"");
  EXPECT_EQ(parse({"-settle", "0s"}).error(),
            "-settle: expected a positive duration such as 10s or 500ms, got \"0s\"");
  EXPECT_EQ(parse({"web"}).error(), "Should have no non-flag arguments.");
  EXPECT_EQ(parse({"-source", "*"}).error(),
            "-source and -destination take a service name, got \"*\"");
  EXPECT_FALSE(parse({"-bogus"}));
}

TEST(ProbeOptions, BadExpectFileNamesFileAndField) {
  const std::string path = ::testing::TempDir() + "probe_options_bad_policy.json";
  {
    std::ofstream out{path};
    out << R"({"allow":[["web"]]})";
  }
  auto o = parse({"-expect", path});
  std::remove(path.c_str());
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error(), "-expect: " + path +
                           ": /allow/0: expected [source, destination] (two service names), got "
                           "[\"web\"] (array)");
}

}  // namespace
}  // namespace gatehouse::tools
