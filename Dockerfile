# oomguard's image: docker build -t oomguard .
# The build stage runs the project's own `make rootfs` on Debian bookworm
# (the Makefile installs the Debian packages it needs, as on a developer's
# machine); the runtime stage is that tree and nothing else: the two
# programs, exactly the shared libraries they load, the shipped policy,
# /etc/passwd and /etc/group (deploy/image/rootfs.sh). No shell in it.
# tests/container/dockerfile.sh checks that this file and `make rootfs`
# build the same tree; README.md, "In a container", says how.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends make
WORKDIR /src
COPY . .
RUN make -j"$(nproc)" rootfs B=/build ROOTFS=/rootfs

FROM scratch
COPY --from=build /rootfs/ /
# Non-root (oomguard, 65532), guarding its own container (--sidecar: the
# built-in policy). Node-wide (deploy/kubernetes/) it runs as root with
# the capabilities it needs and -c /etc/oomguard.conf.
USER 65532:65532
ENTRYPOINT ["/usr/local/sbin/oomguard"]
CMD ["--sidecar"]
