# A custom CentOS image with an editor and network tools, as the tutorials build it.
FROM centos
MAINTAINER learner<learner@example.com>
ENV MYPATH /usr/local
WORKDIR $MYPATH
RUN yum -y install vim
RUN yum -y install net-tools
EXPOSE 80
CMD echo $MYPATH
CMD echo "success------------ok!"
CMD /bin/bash
