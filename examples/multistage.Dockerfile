# syntax=docker/dockerfile:1
ARG VERSION=1.0
FROM alpine:3.20 AS build
ARG VERSION
RUN <<EOF
mkdir -p /out
echo "version $VERSION" > /out/version.txt
EOF
FROM busybox:1.36
COPY --from=build /out/version.txt /version.txt
ENTRYPOINT ["cat"]
CMD ["/version.txt"]
