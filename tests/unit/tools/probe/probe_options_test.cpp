#include "tools/probe/probe_options.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

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

TEST(ProbeOptions, NoRequestByDefault) {
  auto o = parse({});
  ASSERT_TRUE(o) << o.error();
  EXPECT_FALSE(o->settings.request);
}

TEST(ProbeOptions, SendDecodesEscapesAndCompilesExpectReply) {
  auto o = parse({"-send", "PING\\r\\n\\\\", "-expect-reply", "^\\+PONG"});
  ASSERT_TRUE(o) << o.error();
  ASSERT_TRUE(o->settings.request);
  const auto& r = *o->settings.request;
  EXPECT_EQ(r.kind, ProbeRequest::Kind::send);
  EXPECT_EQ(r.payload, "PING\r\n\\");
  ASSERT_TRUE(r.expect_reply);
  EXPECT_TRUE(std::regex_search("+PONG\r\n", *r.expect_reply));
  EXPECT_EQ(r.expect_reply_text, "^\\+PONG");
  EXPECT_FALSE(r.expect_status);
}

TEST(ProbeOptions, HttpGetWithExpectStatus) {
  auto o = parse({"-http-get=/health", "-expect-status=204"});
  ASSERT_TRUE(o) << o.error();
  ASSERT_TRUE(o->settings.request);
  EXPECT_EQ(o->settings.request->kind, ProbeRequest::Kind::http_get);
  EXPECT_EQ(o->settings.request->payload, "/health");
  EXPECT_EQ(o->settings.request->expect_status, 204U);
  EXPECT_FALSE(o->settings.request->expect_reply);
}

TEST(ProbeOptions, RequestErrorsNameTheFlag) {
  EXPECT_EQ(parse({"-expect-reply", "x"}).error(), "-expect-reply needs -send or -http-get");
  EXPECT_EQ(parse({"-expect-status", "200"}).error(), "-expect-status needs -http-get");
  EXPECT_EQ(parse({"-send", "x", "-expect-status", "200"}).error(),
            "-expect-status needs -http-get, not -send");
  EXPECT_EQ(parse({"-send", "x", "-http-get", "/"}).error(),
            "-send and -http-get cannot be used together");
  EXPECT_EQ(parse({"-send", "a\\q"}).error(),
            "-send: unknown escape \"\\q\" (use \\n, \\r, \\t or \\\\)");
  EXPECT_EQ(parse({"-send", ""}).error(), "-send: the text is empty");
  EXPECT_EQ(parse({"-http-get", "health"}).error(),
            "-http-get takes a path starting with /, got \"health\"");
  EXPECT_EQ(parse({"-http-get", "/a\tb"}).error(),
            "-http-get: the path must not contain spaces, line breaks or control bytes");
  EXPECT_EQ(parse({"-http-get", "/", "-expect-status", "42"}).error(),
            "-expect-status must be an HTTP status from 100 to 999, got 42");
  const auto bad = parse({"-send", "x", "-expect-reply", "(unclosed"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().rfind("-expect-reply: invalid regular expression \"(unclosed\": ", 0), 0U)
      << bad.error();
}

}  // namespace
}  // namespace gatehouse::tools
