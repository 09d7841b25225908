// Live migration against two real QEMUs on loopback (docs/test-targets.md,
// "Live migration"): the source, and a destination started with -incoming.
// QMP on the source says where the VM goes (client_migrate_info), the test
// waits until vigil has linked every channel there, then migrates. Semi-
// seamless and seamless (seamless-migration=on on both), plain and
// TLS+password; a cancelled migration; a destination that refuses at BEGIN
// (SWITCH_HOST after the migration); destinations that are bogus or refuse
// vigil. Every wait is on a log line, a snapshot field or QMP.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <iomanip>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "actors/migration.hpp"
#include "client_run.hpp"
#include "fault_proxy.hpp"
#include "linux_guest.hpp"
#include "loopback_ports.hpp"
#include "ppm_image.hpp"
#include "qemu_server.hpp"
#include "qmp_client.hpp"
#include "temp_directory.hpp"
#include "test_pki.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr int duration_s = 15;          // the migration happens within the first seconds
constexpr auto step_limit = 60s;        // one step of a migration on a loaded 2-core machine
constexpr const char* password = "migration-ticket";

struct migration_setup {
  bool tls = false;       // TLS only, with a password
  bool seamless = false;  // seamless-migration=on on both QEMUs
};

std::string describe(const migration_setup& setup) {
  return std::string(setup.seamless ? "seamless" : "semi-seamless") + (setup.tls ? ", TLS+password" : ", plain");
}

// A source QEMU and a destination QEMU waiting for the VM (-incoming).
class migration_pair {
public:
  explicit migration_pair(migration_setup setup, const std::string& name, spice_listen_config base = plain_spice())
      : setup_(setup), work_(name) {
    auto config = base;
    if (setup.tls) {
      pki_ = std::make_unique<test_pki>();
      config.plain_port = false;
      config.tls_port = true;
      config.x509_dir = pki_->directory();
      config.password = password;
      password_file_ = work_.file("password");
      write_text_file(password_file_, std::string(password) + "\n");
    }
    config.seamless_migration = setup.seamless;
    auto source_config = config;
    source_config.qmp_socket = work_.file("source-qmp.sock");
    source_ = std::make_unique<qemu_server>(source_config);
    incoming_port_ = find_free_loopback_port();
    auto destination_config = config;
    destination_config.qmp_socket = work_.file("destination-qmp.sock");
    destination_config.extra_args.push_back("-incoming");
    destination_config.extra_args.push_back("tcp:127.0.0.1:" + std::to_string(incoming_port_));
    destination_ = std::make_unique<qemu_server>(destination_config);
    qmp_ = std::make_unique<qmp_client>(source_config.qmp_socket);
  }

  const temp_directory& work() const { return work_; }
  qemu_server& source() { return *source_; }
  qemu_server& destination() { return *destination_; }
  qmp_client& qmp() { return *qmp_; }

  // The port a client uses on `server`, and vigil's arguments for the source.
  std::uint16_t port_of(const qemu_server& server) const { return setup_.tls ? server.tls_port() : server.port(); }
  std::vector<std::string> client_arguments() const {
    if (!setup_.tls)
      return {plain_uri(source_->port())};
    return {"--spice-ca-file", pki_->ca_cert(), "--password-file", password_file_, tls_uri(source_->tls_port())};
  }

  // QMP client_migrate_info for the destination (or `port` instead of its own).
  void announce(std::optional<std::uint16_t> port = std::nullopt, const std::string& host = "127.0.0.1",
                const std::string& subject = "") {
    nlohmann::json arguments = {{"protocol", "spice"}, {"hostname", host}};
    const auto where = port.value_or(port_of(*destination_));
    arguments[setup_.tls ? "tls-port" : "port"] = where;
    if (!subject.empty())
      arguments["cert-subject"] = subject;
    qmp_->execute("client_migrate_info", arguments);
  }

  // QMP migrate to the destination, then query-migrate until `status`.
  void migrate() { qmp_->execute("migrate", {{"uri", "tcp:127.0.0.1:" + std::to_string(incoming_port_)}}); }
  bool wait_for_migration(const std::string& status) {
    return wait_until([&] { return qmp_->execute("query-migrate").value("status", "") == status; }, step_limit);
  }

private:
  migration_setup setup_;
  temp_directory work_;
  std::unique_ptr<test_pki> pki_;
  std::string password_file_;
  std::unique_ptr<qemu_server> source_;
  std::unique_ptr<qemu_server> destination_;
  std::uint16_t incoming_port_ = 0;
  std::unique_ptr<qmp_client> qmp_;
};

// Every channel QEMU offers is up on `server` ("127.0.0.1:PORT").
bool all_channels_on(const nlohmann::json& snapshot, const std::string& server) {
  std::size_t found = 0;
  for (const auto& channel : snapshot.value("channels", nlohmann::json::array())) {
    if (channel.value("state", "") != "up" || channel.value("server", "") != server)
      return false;
    ++found;
  }
  return found == qemu_default_channels().size();
}

std::string server_of(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// Waits until every channel is up on `server`. Snapshots are asked for only
// once vigil has logged its session up: a SIGUSR1 that comes before vigil
// installs its handler ends the process.
std::optional<nlohmann::json> wait_until_on(background_client& client, const std::string& server,
                                            std::chrono::milliseconds limit) {
  const bool up = wait_until(
    [&] {
      for (const auto& line : lines_with(client.log(), "[session] session "))
        if (line.size() >= 3 && line.compare(line.size() - 3, 3, " up") == 0)
          return true;
      return !client.is_running();
    },
    limit);
  if (!up || !client.is_running())
    return std::nullopt;
  return client.wait_for_snapshot([&](const nlohmann::json& s) { return all_channels_on(s, server); }, limit);
}

// The client's picture against the destination's screendumps (SeaBIOS's
// cursor blinks: the closest of a few shots must be equal).
void check_primary_equals_screendump(qemu_server& qemu, const temp_directory& work, const std::string& dump,
                                     const client_run& run) {
  std::string error;
  const auto picture = read_ppm(dump, error);
  BOOST_TEST_REQUIRE(picture.has_value(), error << run.context());
  std::optional<image_comparison> best;
  std::optional<ppm_image> best_reference;
  for (int shot = 0; shot < 12 && !(best && best->mismatched_pixels == 0); ++shot) {
    const std::string path = work.file("destination-" + std::to_string(shot) + ".ppm");
    const std::string problem = qemu.screendump(path);
    BOOST_TEST_REQUIRE(problem.empty(), problem << "\nQEMU output:\n" << qemu.output());
    auto reference = read_ppm(path, error);
    BOOST_TEST_REQUIRE(reference.has_value(), error);
    const image_comparison comparison = compare(*reference, *picture);
    if (!best || (comparison.same_size && comparison.mismatched_pixels < best->mismatched_pixels)) {
      best = comparison;
      best_reference = std::move(reference);
    }
    std::this_thread::sleep_for(100ms);  // sleep-ok: the pause between shots of a blinking cursor, not a wait
  }
  BOOST_TEST_MESSAGE("after migration, client vs destination screendump: " << best->describe(*best_reference));
  BOOST_TEST(best->same_size, best->describe(*best_reference));
  BOOST_TEST(best->mismatched_pixels == 0u, best->describe(*best_reference));
}

// One migration of a running session, start to end of --duration.
void check_migration(migration_setup setup) {
  BOOST_TEST_CONTEXT(describe(setup)) {
    migration_pair pair(setup, "migration");
    const std::string dump = pair.work().file("client.ppm");
    auto arguments = std::vector<std::string>{"--headless", "--duration", std::to_string(duration_s), "--dump-primary",
                                              dump};
    for (const auto& argument : pair.client_arguments())
      arguments.push_back(argument);
    const auto started = std::chrono::steady_clock::now();
    background_client client(arguments);
    const auto source = server_of(pair.port_of(pair.source()));
    const auto destination = server_of(pair.port_of(pair.destination()));
    auto up = wait_until_on(client, source, step_limit);
    BOOST_TEST_REQUIRE((up && all_channels_on(*up, source)), "the session did not come up on " << source << ": "
                                                                                                << client.log());
    pair.announce();
    BOOST_TEST_REQUIRE(client.wait_for_log("every channel is linked to the destination", step_limit), client.log());
    const auto linked = std::chrono::steady_clock::now();
    pair.migrate();
    BOOST_TEST_REQUIRE(pair.wait_for_migration("completed"), "QEMU's migration did not complete");
    auto moved = wait_until_on(client, destination, step_limit);
    BOOST_TEST_REQUIRE((moved && all_channels_on(*moved, destination)),
                       "not every channel moved to " << destination << ": " << (moved ? moved->dump() : "no snapshot")
                                                     << "\n" << client.log());
    const double move_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - linked).count();
    BOOST_TEST_MESSAGE(describe(setup) << ": linked " << seconds_since(started) - move_s << " s after start, moved "
                                       << move_s << " s after the migrate command");
    BOOST_TEST_REQUIRE(seconds_since(started) < duration_s - 3.0, "the migration took too long to check the rest");
    const auto run = client.finish(std::chrono::seconds(duration_s + 30));
    BOOST_TEST_INFO(run.context());
    check_session_stayed_up(run, duration_s, qemu_default_channels());
    const auto& session = run.snapshot->at("session");
    BOOST_TEST(session.value("reconnects", -1) == 0);
    BOOST_TEST(session.value("migrations", -1) == 1);
    BOOST_TEST(session.at("last_migration").value("mode", "") == (setup.seamless ? "seamless" : "semi-seamless"));
    BOOST_TEST(all_channels_on(*run.snapshot, destination), run.snapshot->dump());
    for (const auto& channel : run.snapshot->at("channels")) {
      BOOST_TEST(channel.value("restarts", -1) == 0, channel.dump());
      BOOST_TEST(channel.value("tls", !setup.tls) == setup.tls, channel.dump());
    }
    const auto mode_line = setup.seamless ? "migration (seamless): moved from " : "migration (semi-seamless): moved from ";
    BOOST_TEST(lines_with(run.process.stderr_text, mode_line).size() == qemu_default_channels().size(),
               run.process.stderr_text);
    check_primary_equals_screendump(pair.destination(), pair.work(), dump, run);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migration, *boost::unit_test::label("migration"))

// Where a session may go, decided before anything is dialled.
BOOST_AUTO_TEST_CASE(destination_keeps_the_sessions_security, *boost::unit_test::label("unit")) {
  vigil::connection_settings plain;
  plain.host = "src";
  plain.plain_port = 5900;
  plain.password = "pw";
  vigil::protocol::migration_target target{"dst.example", 5930, 5931, ""};
  std::string error;
  auto to_plain = vigil::migration_destination(plain, target, error);
  BOOST_REQUIRE(to_plain);
  BOOST_TEST(to_plain->host == "dst.example");
  BOOST_TEST(to_plain->plain_port == 5930);
  BOOST_TEST(to_plain->tls_port == 0, "a plain session does not start TLS it has no CA for");
  BOOST_TEST(to_plain->password == "pw");
  BOOST_TEST(vigil::describe_destination(*to_plain) == "dst.example:5930");

  vigil::connection_settings tls = plain;
  tls.plain_port = 0;
  tls.tls_port = 5901;
  tls.tls.ca_file = "ca.pem";
  tls.tls.host_subject = "CN=src";
  auto to_tls = vigil::migration_destination(tls, {"10.0.0.2", 5930, 5931, "CN=dst"}, error);
  BOOST_REQUIRE(to_tls);
  BOOST_TEST(to_tls->plain_port == 0, "a TLS-only session stays TLS-only");
  BOOST_TEST(to_tls->tls_port == 5931);
  BOOST_TEST(to_tls->tls.ca_file == "ca.pem");
  BOOST_TEST(to_tls->tls.host_subject == "CN=dst");
  auto without_subject = vigil::migration_destination(tls, {"10.0.0.2", 0, 5931, ""}, error);
  BOOST_REQUIRE(without_subject);
  BOOST_TEST(without_subject->tls.host_subject.empty(), "no subject sent: the host name is checked");
  BOOST_TEST(vigil::describe_destination(*without_subject) == "10.0.0.2:5931 (TLS)");

  BOOST_TEST(!vigil::migration_destination(tls, {"10.0.0.2", 5930, 0, ""}, error));
  BOOST_TEST(error.find("only a plain port (5930) and this session uses TLS only") != std::string::npos, error);
  BOOST_TEST(!vigil::migration_destination(plain, {"10.0.0.2", 0, 5931, ""}, error));
  BOOST_TEST(error.find("only a TLS port (5931) and this session has no TLS") != std::string::npos, error);

  vigil::connection_settings local = plain;
  local.plain_port = 0;
  local.unix_path = "/run/spice.sock";
  auto from_unix = vigil::migration_destination(local, target, error);
  BOOST_REQUIRE(from_unix);
  BOOST_TEST(from_unix->unix_path.empty());
  BOOST_TEST(from_unix->plain_port == 5930);
}

BOOST_AUTO_TEST_CASE(semi_seamless_plain, *boost::unit_test::label("qemu")) { check_migration({false, false}); }
BOOST_AUTO_TEST_CASE(seamless_plain, *boost::unit_test::label("qemu")) { check_migration({false, true}); }
BOOST_AUTO_TEST_CASE(semi_seamless_tls_password, *boost::unit_test::label("qemu")) { check_migration({true, false}); }
BOOST_AUTO_TEST_CASE(seamless_tls_password, *boost::unit_test::label("qemu")) { check_migration({true, true}); }

// The migration is cancelled on the source (QMP migrate_cancel while a
// throttled transfer runs): MIGRATE_CANCEL, the destination links close, the
// session stays on the source and keeps working.
BOOST_AUTO_TEST_CASE(a_cancelled_migration_keeps_the_source, *boost::unit_test::label("qemu")) {
  migration_pair pair({false, false}, "migration-cancel");
  auto arguments = std::vector<std::string>{"--headless", "--duration", std::to_string(duration_s)};
  arguments.push_back(plain_uri(pair.source().port()));
  background_client client(arguments);
  const auto source = server_of(pair.source().port());
  auto up = wait_until_on(client, source, step_limit);
  BOOST_TEST_REQUIRE((up && all_channels_on(*up, source)), client.log());
  pair.announce();
  BOOST_TEST_REQUIRE(client.wait_for_log("every channel is linked to the destination", step_limit), client.log());
  pair.qmp().execute("migrate-set-parameters", {{"max-bandwidth", 4096}});  // bytes/s: it never finishes
  pair.migrate();
  BOOST_TEST_REQUIRE(pair.wait_for_migration("active"), "QEMU's migration did not start");
  pair.qmp().execute("migrate_cancel");
  BOOST_TEST_REQUIRE(pair.wait_for_migration("cancelled"), "QEMU's migration was not cancelled");
  BOOST_TEST_REQUIRE(client.wait_for_log("MIGRATE_CANCEL: the migration to", step_limit), client.log());
  const auto run = client.finish(std::chrono::seconds(duration_s + 30));
  BOOST_TEST_INFO(run.context());
  check_session_stayed_up(run, duration_s, qemu_default_channels());
  BOOST_TEST(run.snapshot->at("session").value("migrations", -1) == 0);
  BOOST_TEST(run.snapshot->at("session").value("reconnects", -1) == 0);
  BOOST_TEST(all_channels_on(*run.snapshot, source), run.snapshot->dump());
  for (const auto& channel : run.snapshot->at("channels")) {
    BOOST_TEST(!channel.contains("migration_destination"), channel.dump());
    BOOST_TEST(channel.value("restarts", -1) == 0, channel.dump());
  }
  // Each destination link ends: closed by vigil on MIGRATE_CANCEL, or
  // already closed by the destination QEMU, which exits when its incoming
  // migration is cancelled.
  const auto links_ended = lines_with(run.process.stderr_text, "closing the link to the destination").size() +
                           lines_with(run.process.stderr_text, "the link to the destination failed").size();
  BOOST_TEST(links_ended == qemu_default_channels().size(), run.process.stderr_text);
}

// The destination is unreachable when MIGRATE_BEGIN comes (a forwarder that
// refuses connections): vigil answers MIGRATE_CONNECT_ERROR and stays; the
// forwarder then accepts, the VM migrates, and the source sends SWITCH_HOST:
// the session relinks there once, from scratch, and stays up.
BOOST_AUTO_TEST_CASE(an_unreachable_destination_ends_in_switch_host_and_one_relink, *boost::unit_test::label("qemu")) {
  migration_pair pair({false, false}, "migration-switch-host");
  fault_proxy forwarder(pair.destination().port());
  forwarder.refuse_connections();
  auto arguments = std::vector<std::string>{"--headless", "--duration", std::to_string(duration_s)};
  arguments.push_back(plain_uri(pair.source().port()));
  background_client client(arguments);
  const auto source = server_of(pair.source().port());
  auto up = wait_until_on(client, source, step_limit);
  BOOST_TEST_REQUIRE((up && all_channels_on(*up, source)), client.log());
  pair.announce(forwarder.port());
  BOOST_TEST_REQUIRE(client.wait_for_log("MIGRATE_CONNECT_ERROR", step_limit), client.log());
  forwarder.accept_connections();
  pair.migrate();
  BOOST_TEST_REQUIRE(pair.wait_for_migration("completed"), "QEMU's migration did not complete");
  const auto relinked = server_of(forwarder.port());
  auto moved =
    wait_until_on(client, relinked, step_limit);
  BOOST_TEST_REQUIRE((moved && all_channels_on(*moved, relinked)), client.log());
  const auto run = client.finish(std::chrono::seconds(duration_s + 30));
  BOOST_TEST_INFO(run.context());
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok);
  check_snapshot_matches_exit(run);
  const auto& session = run.snapshot->at("session");
  BOOST_TEST(session.value("state", "") == "up");
  BOOST_TEST(session.value("reconnects", -1) == 0);
  BOOST_TEST(session.value("migrations", -1) == 1);
  BOOST_TEST(session.at("last_migration").value("mode", "") == "switch-host");
  BOOST_TEST(session.at("last_migration").value("destination", "") == relinked);
  BOOST_TEST(all_channels_on(*run.snapshot, relinked), run.snapshot->dump());
  BOOST_TEST(lines_with(run.process.stderr_text, "(SWITCH_HOST): a planned move").size() == 1u,
             run.process.stderr_text);
  BOOST_TEST(session.value("uri", "") == relinked);
  BOOST_TEST(lines_with(run.process.stderr_text, "connecting to " + relinked).size() == 1u, run.process.stderr_text);
  BOOST_TEST(forwarder.connections_seen(SPICE_CHANNEL_MAIN) == 1u, "one relink: one main connection");
}

// Destinations that are bogus or refuse vigil: each is refused with its
// reason, the server is told (MIGRATE_CONNECT_ERROR), and the session stays
// on the source, up, never reconnected. TLS+password: a host that is no host
// name, no port at all, a closed port, a certificate subject that does not
// match, and a destination whose password differs.
BOOST_AUTO_TEST_CASE(bogus_destinations_are_refused_and_the_session_stays, *boost::unit_test::label("qemu")) {
  migration_pair pair({true, false}, "migration-bogus");
  const int duration = 25;
  auto arguments = std::vector<std::string>{"--headless", "--duration", std::to_string(duration)};
  for (const auto& argument : pair.client_arguments())
    arguments.push_back(argument);
  background_client client(arguments);
  const auto source = server_of(pair.source().tls_port());
  auto up = wait_until_on(client, source, step_limit);
  BOOST_TEST_REQUIRE((up && all_channels_on(*up, source)), client.log());
  std::size_t refusals = 0;
  auto refused = [&](const std::string& says) {
    ++refusals;
    BOOST_TEST(client.wait_for_log("MIGRATE_CONNECT_ERROR", step_limit, refusals), client.log());
    BOOST_TEST(client.wait_for_log(says, step_limit), "expected '" << says << "': " << client.log());
  };
  pair.announce(std::nullopt, "not a host;rm -rf");
  refused("refusing the migration: MAIN_MIGRATE_BEGIN: host is not a host name or IP address");
  pair.qmp().execute("client_migrate_info", {{"protocol", "spice"}, {"hostname", "127.0.0.1"}, {"port", 0}});
  refused("neither a port nor a TLS port");
  pair.announce(find_free_loopback_port());
  refused("failed: Connection refused");
  pair.announce(std::nullopt, "127.0.0.1", "C=IL, O=Somebody Else, CN=127.0.0.1");
  refused("does not match the host subject 'C=IL, O=Somebody Else, CN=127.0.0.1'");
  qmp_client destination_qmp(pair.work().file("destination-qmp.sock"));
  destination_qmp.execute("set_password", {{"protocol", "spice"}, {"password", "another-ticket"}});
  pair.announce();
  refused("main:0: auth_failed");
  const auto run = client.finish(std::chrono::seconds(duration + 30));
  BOOST_TEST_INFO(run.context());
  check_session_stayed_up(run, duration, qemu_default_channels());
  BOOST_TEST(run.snapshot->at("session").value("migrations", -1) == 0);
  BOOST_TEST(run.snapshot->at("session").value("reconnects", -1) == 0);
  BOOST_TEST(all_channels_on(*run.snapshot, source), run.snapshot->dump());
  BOOST_TEST(run.process.stderr_text.find(password) == std::string::npos, "the password is never logged");
  BOOST_TEST(run.process.stderr_text.find("another-ticket") == std::string::npos);
}

// A real Linux guest moves (semi-seamless) under the window; a key typed
// afterwards reaches the destination: its guest echoes it on the
// destination's serial port, and the source's guest sees nothing.
BOOST_AUTO_TEST_CASE(a_key_typed_after_migration_reaches_the_destination_guest,
                     *boost::unit_test::label("guest") * boost::unit_test::label("viewer")) {
  temp_directory work("migration-guest");
  virtual_display display(work);
  linux_guest_options options;
  options.workload = "echo";
  options.spice.qmp_socket = work.file("source-qmp.sock");
  linux_guest source(options);
  const auto incoming_port = find_free_loopback_port();
  auto destination_options = options;
  destination_options.spice.qmp_socket = work.file("destination-qmp.sock");
  destination_options.spice.extra_args = {"-incoming", "tcp:127.0.0.1:" + std::to_string(incoming_port)};
  linux_guest destination(destination_options);
  BOOST_TEST_REQUIRE(source.wait_for("ready", linux_guest::boot_limit), source.describe());
  background_client client({"--duration", "900", plain_uri(source.port())});
  const auto on_source = server_of(source.port());
  auto up = wait_until_on(client, on_source, 120s);
  BOOST_TEST_REQUIRE((up && all_channels_on(*up, on_source)), client.log());
  qmp_client qmp(options.spice.qmp_socket);
  qmp.execute("client_migrate_info", {{"protocol", "spice"}, {"hostname", "127.0.0.1"}, {"port", destination.port()}});
  BOOST_TEST_REQUIRE(client.wait_for_log("every channel is linked to the destination", 120s), client.log());
  qmp.execute("migrate", {{"uri", "tcp:127.0.0.1:" + std::to_string(incoming_port)}});
  BOOST_TEST_REQUIRE(wait_until([&] { return qmp.execute("query-migrate").value("status", "") == "completed"; }, 120s),
                     "QEMU's migration did not complete");
  const auto on_destination = server_of(destination.port());
  auto moved =
    wait_until_on(client, on_destination, 120s);
  BOOST_TEST_REQUIRE((moved && all_channels_on(*moved, on_destination)), client.log());
  const std::string text = "moved 42";
  xdotool({"windowfocus", "--sync", wait_for_window("Vigil", 60s)});
  // The guest's reader may miss the first keys after the VM resumed: an 'x'
  // until one comes through, then the text, which must arrive whole.
  BOOST_TEST_REQUIRE(wait_until(
                       [&] {
                         xdotool({"type", "x"});
                         return destination.wait_for("key ", 2s, 1);
                       },
                       60s),
                     destination.describe());
  const std::size_t before = destination.events("key ").size();
  xdotool({"type", "--delay", "100", text});
  BOOST_TEST_REQUIRE(destination.wait_for("key ", 60s, before + text.size()), destination.describe());
  std::vector<std::string> expected;
  for (unsigned char c : text) {
    std::ostringstream hex;
    hex << "key " << std::hex << std::setw(2) << std::setfill('0') << int{c};
    expected.push_back(hex.str());
  }
  const auto events = destination.events("key ");
  const std::vector<std::string> seen(events.end() - static_cast<std::ptrdiff_t>(text.size()), events.end());
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
  BOOST_TEST(source.events("key ").empty(), "the paused source got no keys");
  const auto snapshot = client.snapshot_now();
  BOOST_TEST_REQUIRE(snapshot.has_value());
  BOOST_TEST(snapshot->at("session").value("reconnects", -1) == 0);
  BOOST_TEST(snapshot->at("session").value("migrations", -1) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
