# One layer per RUN, as the tutorials build it. On CentOS /bin/sh is bash, so `file{1..10}` does expand into
# ten files here (on busybox, Alpine, Debian or Ubuntu, whose /bin/sh is ash or dash, it would not).
FROM centos:7
RUN yum install vim -y
RUN yum install net-tools tree -y
RUN mkdir /sanchuang
RUN touch /sanchuang/file{1..10}.txt
RUN rm -rf /sanchuang/file1.txt
CMD ["/bin/bash"]
