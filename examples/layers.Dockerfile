FROM centos:7
RUN yum install vim -y
RUN yum install net-tools tree -y
RUN mkdir /sanchuang
RUN touch /sanchuang/file{1..10}.txt
RUN rm -rf /sanchuang/file1.txt
CMD ["/bin/bash"]
