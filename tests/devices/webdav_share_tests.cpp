// Folder sharing end to end: vigil --share-dir against the test server's
// webdav port, the test playing the guest's spice-webdavd: HTTP requests as
// mux records on the port's Unix socket, replies read back until the client
// closes that connection (each request says Connection: close).
#include <boost/test/unit_test.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "client_run.hpp"
#include "protocol/webdav_mux.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;
using vigil::protocol::bytes;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The guest side: one Unix socket to the test server's webdav port.
class fake_webdavd {
public:
  explicit fake_webdavd(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    BOOST_REQUIRE_MESSAGE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
                          "cannot connect to the webdav port socket " << path);
    timeval timeout{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~fake_webdavd() { ::close(fd_); }

  // Sends `request` as connection `client` and returns the whole reply (the
  // bytes until the client closes the connection), or what came within 30 s.
  std::string exchange(std::int64_t client, const std::string& request) {
    auto wire = vigil::protocol::build_webdav_records(client, reinterpret_cast<const std::uint8_t*>(request.data()),
                                                      request.size());
    BOOST_REQUIRE(::send(fd_, wire.data(), wire.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(wire.size()));
    std::string reply;
    bool closed = false;
    wait_until(
      [&] {
        std::uint8_t buffer[65536];
        auto n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n > 0)
          BOOST_REQUIRE(!demux_.feed(buffer, static_cast<std::size_t>(n)));
        while (auto record = demux_.next()) {
          if (record->client != client)
            continue;
          if (record->closes())
            closed = true;
          reply.append(record->data.begin(), record->data.end());
        }
        return closed;
      },
      30s, 0ms);
    auto close = vigil::protocol::build_webdav_close(client);
    ::send(fd_, close.data(), close.size(), MSG_NOSIGNAL);
    return reply;
  }

private:
  int fd_ = -1;
  vigil::protocol::webdav_demux demux_;
};

int status_of(const std::string& reply) {
  // "HTTP/1.1 207 Multi-Status"
  auto space = reply.find(' ');
  return space == std::string::npos ? -1 : std::atoi(reply.c_str() + space + 1);
}

std::string request(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::string& extra = "") {
  return method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + extra +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct shared_session {
  temp_directory work{"webdav"};
  std::string folder = work.file("shared");
  std::string secret = work.file("secret.txt");
  std::string socket = work.file("webdav.sock");
  std::unique_ptr<scene_server> server;
  std::unique_ptr<background_client> client;

  explicit shared_session(bool read_only) {
    ::mkdir(folder.c_str(), 0755);
    write_text_file(folder + "/hello.txt", "hello from the host\n");
    write_text_file(secret, "outside the shared folder\n");
    ::symlink(secret.c_str(), (folder + "/escape.txt").c_str());
    ::symlink(work.path().c_str(), (folder + "/escape-dir").c_str());
    server = std::make_unique<scene_server>(std::vector<std::string>{"--webdav-socket", socket});
    client = std::make_unique<background_client>(std::vector<std::string>{
      "--headless", "--share-dir", folder + (read_only ? ",ro" : ""), plain_uri(server->port())});
    BOOST_REQUIRE_MESSAGE(client->wait_for_log("sharing " + folder, 60s), client->log());
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(guest_lists_reads_writes_makes_and_deletes_in_the_shared_folder, *boost::unit_test::label("server")) {
  shared_session session(false);
  fake_webdavd guest(session.socket);
  BOOST_TEST_CONTEXT(session.client->log()) {
    auto listing = guest.exchange(1, request("PROPFIND", "/", "", "Depth: 1\r\n"));
    BOOST_TEST(status_of(listing) == 207);
    BOOST_TEST(listing.find("hello.txt") != std::string::npos);

    auto got = guest.exchange(2, request("GET", "/hello.txt"));
    BOOST_TEST(status_of(got) == 200);
    BOOST_TEST(got.find("hello from the host") != std::string::npos);

    auto put = guest.exchange(3, request("PUT", "/from-guest.txt", "written by the guest\n"));
    BOOST_TEST((status_of(put) == 201 || status_of(put) == 204));
    BOOST_TEST(read_all(session.folder + "/from-guest.txt") == "written by the guest\n");

    auto mkcol = guest.exchange(4, request("MKCOL", "/made"));
    BOOST_TEST(status_of(mkcol) == 201);
    struct stat info {};
    BOOST_TEST((::stat((session.folder + "/made").c_str(), &info) == 0 && S_ISDIR(info.st_mode)));

    auto removed = guest.exchange(5, request("DELETE", "/from-guest.txt"));
    BOOST_TEST((status_of(removed) == 204 || status_of(removed) == 200));
    BOOST_TEST(::access((session.folder + "/from-guest.txt").c_str(), F_OK) != 0);
  }
}

BOOST_AUTO_TEST_CASE(dot_dot_and_symlinks_out_of_the_folder_are_refused, *boost::unit_test::label("server")) {
  shared_session session(false);
  fake_webdavd guest(session.socket);
  BOOST_TEST_CONTEXT(session.client->log()) {
    for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/escape.txt", "/escape-dir/secret.txt"}) {
      auto reply = guest.exchange(10, request("GET", path));
      BOOST_TEST_INFO("GET " << path);
      BOOST_TEST(reply.find("outside the shared folder") == std::string::npos);
      BOOST_TEST(status_of(reply) >= 400);
    }
    auto put = guest.exchange(11, request("PUT", "/escape-dir/planted.txt", "x"));
    BOOST_TEST(status_of(put) == 403);
    BOOST_TEST(::access(session.work.file("planted.txt").c_str(), F_OK) != 0);
    for (const char* destination : {"http://localhost/%2e%2e/moved.txt", "http://localhost/escape-dir/moved.txt"}) {
      auto move = guest.exchange(12, request("MOVE", "/hello.txt", "", std::string("Destination: ") + destination + "\r\n"));
      BOOST_TEST_INFO("MOVE to " << destination);
      BOOST_TEST(status_of(move) == 403);
    }
    BOOST_TEST(::access(session.work.file("moved.txt").c_str(), F_OK) != 0);
    BOOST_TEST(::access((session.folder + "/hello.txt").c_str(), F_OK) == 0);
    // The connection a refusal closed is gone, not the share.
    BOOST_TEST(status_of(guest.exchange(13, request("GET", "/hello.txt"))) == 200);
  }
}

BOOST_AUTO_TEST_CASE(a_read_only_share_refuses_writes, *boost::unit_test::label("server")) {
  shared_session session(true);
  fake_webdavd guest(session.socket);
  BOOST_TEST_CONTEXT(session.client->log()) {
    auto got = guest.exchange(1, request("GET", "/hello.txt"));
    BOOST_TEST(status_of(got) == 200);
    auto put = guest.exchange(2, request("PUT", "/new.txt", "nope"));
    BOOST_TEST(status_of(put) >= 400);
    BOOST_TEST(::access((session.folder + "/new.txt").c_str(), F_OK) != 0);
    auto mkcol = guest.exchange(3, request("MKCOL", "/dir"));
    BOOST_TEST(status_of(mkcol) >= 400);
    auto removed = guest.exchange(4, request("DELETE", "/hello.txt"));
    BOOST_TEST(status_of(removed) >= 400);
    BOOST_TEST(::access((session.folder + "/hello.txt").c_str(), F_OK) == 0);
  }
}
