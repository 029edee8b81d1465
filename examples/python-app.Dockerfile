FROM python:2.7-slim
WORKDIR /app # the folder you land in inside the container
ADD . /app # copy the build context into /app
RUN pip install --trusted-host pypi.python.org -r requirements.txt  # runs at build time
EXPOSE 80   # publish port 80
ENV NAME World   # an environment variable
CMD ["python","app.py"]  # what the container runs
