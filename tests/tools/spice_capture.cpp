// spice_capture: links a real SPICE server's main, display, inputs and cursor
// channels through vigil_protocol, keeps them alive (PONG, ACK_SYNC, ACK) for a
// while and writes each channel's raw byte streams, so the unit tests parse
// what a real server sends. A test tool, not part of the client: blocking
// POSIX sockets and poll() are fine here.
//
//   spice_capture --port 5970 --seconds 20 --out tests/data/qemu
//       writes <channel>.in.bin (every byte received, from the first byte of
//       the link reply) and <channel>.out.bin (every byte sent, from the link
//       message) for main, display, inputs and cursor.
//   spice_capture --port 5971 --password wrong --only-main --suffix -wrong-password
//       writes main-wrong-password.{in,out}.bin and exits 2 when the link fails.
//   spice_capture --port 5972 --only-main --agent --suffix -agent --out tests/data/agent
//       also starts the agent (AGENT_START, ANNOUNCE_CAPABILITIES with the
//       clipboard selection and grab serial) and asks for its clipboard text,
//       so main.in.bin holds what a vdagent sends.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spice/protocol.h>
#include <spice/vd_agent.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/channel_messages.hpp"
#include "protocol/common_messages.hpp"
#include "protocol/framing.hpp"
#include "protocol/link.hpp"
#include "protocol/main_messages.hpp"
#include "protocol/vdagent.hpp"

namespace {

using namespace vigil::protocol;

struct options {
  std::string host = "127.0.0.1";
  int port = 0;
  int seconds = 20;
  std::string out_dir = ".";
  std::string password;
  std::string suffix;                       // appended to the channel name in file names
  std::size_t max_recorded = 1024 * 1024;   // per channel and direction; keeps the files small
  bool only_main = false;
  bool agent = false;
  bool playback_opus = true;  // advertise SPICE_PLAYBACK_CAP_OPUS on the playback channel
};

struct channel_connection {
  std::string name;
  std::uint8_t type = 0;
  std::uint8_t id = 0;
  int fd = -1;
  std::unique_ptr<link_handshake> handshake;
  std::optional<frame_reassembler> frames;
  std::optional<frame_writer> writer;
  ack_window acks;
  bytes recorded_in;
  bytes recorded_out;
  bool closed = false;
};

void record(bytes& sink, const std::uint8_t* data, std::size_t size, std::size_t limit) {
  const std::size_t room = sink.size() < limit ? limit - sink.size() : 0;
  sink.insert(sink.end(), data, data + std::min(room, size));
}

int connect_to(const options& opts) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(opts.port));
  if (::inet_pton(AF_INET, opts.host.c_str(), &address.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

class capture_session {
public:
  explicit capture_session(options opts) : opts_(std::move(opts)) {}

  int run() {
    if (!open_channel("main", SPICE_CHANNEL_MAIN, 0, 0))
      return 1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opts_.seconds);
    while (std::chrono::steady_clock::now() < deadline && !main_failed_) {
      std::vector<pollfd> polled;
      for (auto& channel : channels_)
        if (!channel->closed)
          polled.push_back(pollfd{channel->fd, POLLIN, 0});
      if (polled.empty())
        break;
      if (::poll(polled.data(), polled.size(), 100) < 0 && errno != EINTR)
        break;
      // Look channels up by fd: handling a message may open new channels.
      for (const pollfd& ready : polled)
        if (ready.revents != 0)
          read_from(channel_by_fd(ready.fd));
    }
    write_files();
    return main_failed_ ? 2 : 0;
  }

private:
  channel_connection& channel_by_fd(int fd) {
    for (auto& channel : channels_)
      if (channel->fd == fd)
        return *channel;
    std::abort();
  }

  bool open_channel(const std::string& name, std::uint8_t type, std::uint8_t id, std::uint32_t connection_id) {
    auto channel = std::make_unique<channel_connection>();
    channel->name = name;
    channel->type = type;
    channel->id = id;
    channel->fd = connect_to(opts_);
    if (channel->fd < 0) {
      std::fprintf(stderr, "spice_capture: cannot connect %s to %s:%d: %s\n", name.c_str(),
                   opts_.host.c_str(), opts_.port, std::strerror(errno));
      return false;
    }
    link_request request;
    request.connection_id = connection_id;
    request.channel_type = type;
    request.channel_id = id;
    request.common_caps = {SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION, SPICE_COMMON_CAP_AUTH_SPICE,
                           SPICE_COMMON_CAP_MINI_HEADER};
    if (type == SPICE_CHANNEL_MAIN)
      request.channel_caps = {SPICE_MAIN_CAP_NAME_AND_UUID, SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS};
    else if (type == SPICE_CHANNEL_DISPLAY)
      request.channel_caps = {SPICE_DISPLAY_CAP_SIZED_STREAM, SPICE_DISPLAY_CAP_MONITORS_CONFIG,
                              SPICE_DISPLAY_CAP_COMPOSITE, SPICE_DISPLAY_CAP_A8_SURFACE,
                              SPICE_DISPLAY_CAP_LZ4_COMPRESSION};
    else if (type == SPICE_CHANNEL_INPUTS)
      request.channel_caps = {SPICE_INPUTS_CAP_KEY_SCANCODE};
    else if (type == SPICE_CHANNEL_PLAYBACK) {
      request.channel_caps = {SPICE_PLAYBACK_CAP_VOLUME, SPICE_PLAYBACK_CAP_LATENCY};
      if (opts_.playback_opus)
        request.channel_caps.set(SPICE_PLAYBACK_CAP_OPUS);
    }
    channel->handshake = std::make_unique<link_handshake>(request, opts_.password);
    channels_.push_back(std::move(channel));
    channel_connection& added = *channels_.back();
    send_raw(added, added.handshake->start());
    return true;
  }

  void send_raw(channel_connection& channel, const bytes& data) {
    record(channel.recorded_out, data.data(), data.size(), opts_.max_recorded);
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(channel.fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        std::fprintf(stderr, "spice_capture: %s: send failed: %s\n", channel.name.c_str(),
                     std::strerror(errno));
        channel.closed = true;
        return;
      }
      sent += static_cast<std::size_t>(n);
    }
  }

  void send_message(channel_connection& channel, std::uint16_t type, const bytes& body) {
    send_raw(channel, channel.writer->build(type, body));
  }

  void read_from(channel_connection& channel) {
    std::uint8_t buffer[65536];
    const ssize_t n = ::recv(channel.fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      std::fprintf(stderr, "spice_capture: %s: connection closed by the server\n", channel.name.c_str());
      channel.closed = true;
      main_failed_ = main_failed_ || (channel.type == SPICE_CHANNEL_MAIN && !channel.frames);
      return;
    }
    const auto size = static_cast<std::size_t>(n);
    record(channel.recorded_in, buffer, size, opts_.max_recorded);
    if (channel.frames) {
      channel.frames->feed(buffer, size);
    } else {
      bytes to_send, leftover;
      const auto state = channel.handshake->feed(buffer, size, to_send, leftover);
      send_raw(channel, to_send);
      if (state == link_handshake::state::failed) {
        std::fprintf(stderr, "spice_capture: %s: %s\n", channel.name.c_str(),
                     channel.handshake->failed_because()->message.c_str());
        channel.closed = true;
        main_failed_ = main_failed_ || channel.type == SPICE_CHANNEL_MAIN;
        return;
      }
      if (state != link_handshake::state::linked)
        return;
      const bool mini = channel.handshake->outcome().mini_header;
      channel.frames.emplace(mini, 16 * 1024 * 1024);
      channel.writer.emplace(mini);
      std::fprintf(stderr, "spice_capture: %s linked (%s header)\n", channel.name.c_str(),
                   mini ? "mini" : "full");
      on_linked(channel);
      channel.frames->feed(leftover.data(), leftover.size());
    }
    drain_frames(channel);
  }

  void on_linked(channel_connection& channel) {
    if (channel.type == SPICE_CHANNEL_DISPLAY) {
      display_init_request init;
      init.pixmap_cache_size = 20 * 1024 * 1024 / 4;  // pixels, like spice-gtk's default 20 MB
      init.glz_window_size = 8 * 1024 * 1024;
      send_message(channel, SPICE_MSGC_DISPLAY_INIT, build_display_init(init));
    }
  }

  void drain_frames(channel_connection& channel) {
    for (;;) {
      auto next = channel.frames->next();
      if (!next) {
        std::fprintf(stderr, "spice_capture: %s: %s\n", channel.name.c_str(), next.error().message.c_str());
        channel.closed = true;
        return;
      }
      if (!next->has_value())
        return;
      on_frame(channel, **next);
    }
  }

  void on_frame(channel_connection& channel, const frame& message) {
    std::fprintf(stderr, "spice_capture: %s <- %s (%zu bytes)\n", channel.name.c_str(),
                 message_type_name(channel.type, message.type).c_str(), message.body.size());
    if (message.type == SPICE_MSG_PING) {
      if (auto request = parse_ping(message.body))
        send_message(channel, SPICE_MSGC_PONG, build_pong(*request));
    } else if (message.type == SPICE_MSG_SET_ACK) {
      if (auto request = parse_set_ack(message.body))
        send_message(channel, SPICE_MSGC_ACK_SYNC, channel.acks.on_set_ack(*request));
    } else if (channel.type == SPICE_CHANNEL_MAIN && message.type == SPICE_MSG_MAIN_INIT) {
      if (auto init = parse_main_init(message.body)) {
        session_id_ = init->session_id;
        // Like spice-gtk: ask for client mouse mode when offered (yields MAIN_MOUSE_MODE).
        if ((init->supported_mouse_modes & SPICE_MOUSE_MODE_CLIENT) &&
            init->current_mouse_mode != SPICE_MOUSE_MODE_CLIENT)
          send_message(channel, SPICE_MSGC_MAIN_MOUSE_MODE_REQUEST,
                       build_mouse_mode_request(SPICE_MOUSE_MODE_CLIENT));
        send_message(channel, SPICE_MSGC_MAIN_ATTACH_CHANNELS, build_attach_channels());
        if (opts_.agent && init->agent_connected)
          start_agent(channel);
      }
    } else if (channel.type == SPICE_CHANNEL_MAIN && message.type == SPICE_MSG_MAIN_CHANNELS_LIST &&
               !opts_.only_main) {
      if (auto list = parse_channels_list(message.body))
        for (const channel_address& address : list->channels)
          if (address.type == SPICE_CHANNEL_DISPLAY || address.type == SPICE_CHANNEL_INPUTS ||
              address.type == SPICE_CHANNEL_CURSOR || address.type == SPICE_CHANNEL_PLAYBACK)
            open_channel(file_name_for(address), address.type, address.id, session_id_);
    }
    // After on_set_ack, so SET_ACK counts in the new window as the server counts it.
    if (channel.acks.on_message_received())
      send_message(channel, SPICE_MSGC_ACK, build_ack());
  }

  // What a client does to hear from the agent: start it, announce what we
  // take, and ask for the guest's clipboard text.
  void start_agent(channel_connection& channel) {
    send_message(channel, SPICE_MSGC_MAIN_AGENT_START, build_agent_start(10));
    const std::vector<unsigned> caps = {VD_AGENT_CAP_MONITORS_CONFIG, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND,
                                        VD_AGENT_CAP_CLIPBOARD_SELECTION, VD_AGENT_CAP_CLIPBOARD_GRAB_SERIAL};
    for (const auto& message :
         {build_agent_message(VD_AGENT_ANNOUNCE_CAPABILITIES, build_announce_capabilities(true, caps)),
          build_agent_message(VD_AGENT_CLIPBOARD_REQUEST,
                              build_clipboard_request({0, VD_AGENT_CLIPBOARD_UTF8_TEXT}, {true, true}))})
      for (const auto& chunk : split_agent_chunks(message))
        send_message(channel, SPICE_MSGC_MAIN_AGENT_DATA, chunk);
  }

  // "display" for display 0, "display-1" for a second head's channel.
  static std::string file_name_for(const channel_address& address) {
    std::string name = channel_type_name(address.type);
    return address.id == 0 ? name : name + "-" + std::to_string(address.id);
  }

  void write_files() {
    for (const auto& channel : channels_) {
      const std::string base = opts_.out_dir + "/" + channel->name + opts_.suffix;
      write_file(base + ".in.bin", channel->recorded_in);
      write_file(base + ".out.bin", channel->recorded_out);
    }
  }

  static void write_file(const std::string& path, const bytes& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    std::fprintf(stderr, "spice_capture: wrote %s (%zu bytes)\n", path.c_str(), data.size());
  }

  options opts_;
  std::vector<std::unique_ptr<channel_connection>> channels_;
  std::uint32_t session_id_ = 0;
  bool main_failed_ = false;
};

int usage() {
  std::fprintf(stderr,
               "usage: spice_capture --port P [--host 127.0.0.1] [--seconds 20] [--out DIR]\n"
               "                     [--password PW] [--suffix S] [--max-bytes N] [--only-main] [--agent]\n"
               "                     [--no-opus]  (playback: do not offer SPICE_PLAYBACK_CAP_OPUS)\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  options opts;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--only-main")
      opts.only_main = true;
    else if (arg == "--agent")
      opts.agent = true;
    else if (arg == "--no-opus")
      opts.playback_opus = false;
    else if (!has_value)
      return usage();
    else if (arg == "--port")
      opts.port = std::atoi(argv[++i]);
    else if (arg == "--host")
      opts.host = argv[++i];
    else if (arg == "--seconds")
      opts.seconds = std::atoi(argv[++i]);
    else if (arg == "--out")
      opts.out_dir = argv[++i];
    else if (arg == "--password")
      opts.password = argv[++i];
    else if (arg == "--suffix")
      opts.suffix = argv[++i];
    else if (arg == "--max-bytes")
      opts.max_recorded = std::strtoull(argv[++i], nullptr, 10);
    else
      return usage();
  }
  if (opts.port <= 0)
    return usage();
  return capture_session(std::move(opts)).run();
}
