console.log("helpdesk");
